import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadSkill } from "./index.ts";
import { failureOf } from "./expect-failure.ts";
import { tempRoot } from "./temp-skill-dir.ts";

const tmp = tempRoot();
afterAll(() => tmp.cleanup());
let n = 0;
const manifest = (implementation: unknown) => ({ name: "tool", version: "1.0.0", description: "d", implementation, permissions: [] });

async function implError(implementation: unknown, setup?: (dir: string) => void): Promise<string> {
  const dir = tmp.skill(`i${n++}`, { "skill.json": manifest(implementation), "main.js": "export default async () => 1;" });
  setup?.(dir);
  const e = await failureOf(loadSkill(dir));
  expect(e.code).toBe("invalid_manifest");
  return e.message;
}

describe("implementation must be a file inside the folder", () => {
  test("a ../ escape is rejected", async () => {
    expect(await implError("../outside.js")).toBe("skill.json: implementation: must stay inside the skill folder (no ../)");
  });
  test("an escape hidden in the middle is rejected", async () => {
    expect(await implError("lib/../../outside.js")).toBe("skill.json: implementation: must stay inside the skill folder (no ../)");
  });
  test("an absolute path is rejected", async () => {
    expect(await implError("/etc/passwd")).toBe("skill.json: implementation: must be a relative path inside the skill folder, not an absolute path");
  });
  test("a symlink that resolves outside is rejected", async () => {
    const outside = join(tmp.root, "outside.js");
    writeFileSync(outside, "export default async () => 'escaped';");
    const msg = await implError("link.js", (dir) => symlinkSync(outside, join(dir, "link.js")));
    expect(msg).toBe('skill.json: implementation: "link.js" resolves outside the skill folder (symlink); the file must live inside it');
  });
  test("a symlinked directory that leads outside is rejected", async () => {
    const outsideDir = join(tmp.root, "outside-dir");
    mkdirSync(outsideDir, { recursive: true });
    writeFileSync(join(outsideDir, "x.js"), "export default async () => 1;");
    const msg = await implError("lib/x.js", (dir) => symlinkSync(outsideDir, join(dir, "lib")));
    expect(msg).toContain("resolves outside the skill folder");
  });
  test("a missing file is rejected", async () => {
    expect(await implError("nope.js")).toBe('skill.json: implementation: file "nope.js" not found in the skill folder');
  });
  test("a broken symlink is rejected", async () => {
    expect(await implError("dangling.js", (dir) => symlinkSync(join(dir, "gone.js"), join(dir, "dangling.js")))).toContain("broken symlink");
  });
  test("a directory is rejected", async () => {
    expect(await implError("lib", (dir) => mkdirSync(join(dir, "lib")))).toBe('skill.json: implementation: "lib" is not a file');
  });
  test("a non-string is rejected", async () => {
    expect(await implError(42)).toStartWith("skill.json: implementation: expected a relative path");
  });
  test("backslashes and NUL are rejected", async () => {
    expect(await implError("lib\\main.js")).toContain("forward slashes");
    expect(await implError("main.js\0.txt")).toContain("NUL");
  });
  test("a symlink that stays inside is fine, and ./ is normalised away", async () => {
    const dir = tmp.skill(`i${n++}`, { "skill.json": manifest("./entry.js"), "src/main.js": "export default async () => 1;" });
    symlinkSync(join(dir, "src/main.js"), join(dir, "entry.js"));
    expect((await loadSkill(dir)).skill.implementation).toBe("entry.js");
  });
});

test("loading never imports or runs the implementation", async () => {
  const marker = join(tmp.root, "imported-marker.txt");
  const code = `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "ran");\nexport default async () => "ran";\n`;
  const dir = tmp.skill("side-effect", { "skill.json": manifest("main.js"), "main.js": code });
  const { skill } = await loadSkill(dir, { strict: true });
  expect(skill.kind).toBe("executable");
  expect(existsSync(marker)).toBe(false);
});
