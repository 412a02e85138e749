// Small skills the channel end-to-end tests give the agent: a note that needs confirmation and
// a "camera" that returns an image, written to a temp folder removed after the file's tests.
import { afterAll } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

/** A policy under which note_write asks first and snap runs freely. */
export const CONFIRM_NOTE = "version: 1\ntrust:\n  requiresConfirmation: [note_write]\n  allowedWithoutConfirmation: [snap]\n  default: confirm\n";

export function testSkills(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), `moltbot-${prefix}-skills-`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const skill = (name: string, source: string): string => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "skill.json"), JSON.stringify({ name, version: "1.0.0", description: `test skill ${name}`, implementation: "main.js", parameters: { text: { type: "string" } }, permissions: [] }));
    writeFileSync(join(dir, "main.js"), source);
    return dir;
  };
  return {
    skill,
    note: () => skill("note_write", "export default async ({ text }) => ({ saved: text, summary: `saved ${text}` });"),
    snap: () => skill("snap", `export default async () => ({ summary: "took a picture", attachments: [{ kind: "image", mime: "image/png", name: "snap.png", base64: "${PNG.toString("base64")}" }] });`),
  };
}
