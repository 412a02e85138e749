// The user's images through the real loop: shown to the model with the caption on every model
// call of their turn, recorded in the transcript as markers, and not re-sent in later turns.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Attachment } from "../contracts/channel.ts";
import { SandboxPool } from "../sandbox/index.ts";
import { AgentHome, call, collect, policyYaml, say, ScriptedProvider, turn } from "./test-fixture.ts";

let pool: SandboxPool;
let home: AgentHome;
beforeAll(() => { pool = new SandboxPool({ maxWorkers: 1 }); });
afterAll(async () => { await pool.close(); });
afterEach(() => home?.cleanup());

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(40).fill(7)]);
const photo: Attachment = { kind: "image", mime: "image/jpeg", name: "cat.jpg", data: PNG };
const policy = policyYaml("  allowedWithoutConfirmation: [lookup]\n  default: confirm");
const transcriptText = (h: AgentHome) => {
  const dir = join(h.dir, "memory", "sessions");
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
};

test("the turn's image reaches the model with its caption on each model call; later turns get only the marker", async () => {
  home = new AgentHome();
  await home.skill("lookup", "export default async () => ({ found: 'a cat' });");
  const provider = new ScriptedProvider((_req, n) => (n === 0 ? call("lookup", {}) : say(n === 1 ? "A cat." : "Yes, grey.")));
  const agent = home.agent(provider, pool, policy);

  const first = await collect(agent.run(turn("what animal?", { attachments: [photo] })));
  expect(first.at(-1)).toMatchObject({ type: "final", text: "A cat." });
  for (const req of provider.requests) {
    const user = req.messages.filter((m) => m.role === "user").at(-1)!;
    expect(user.content).toBe("what animal?");
    expect(user.images).toEqual([{ mime: "image/png", data: PNG }]);
  }
  expect(provider.requests).toHaveLength(2);

  await collect(agent.run(turn("is it grey?")));
  const later = provider.requests[2]!;
  expect(later.messages.some((m) => m.images)).toBe(false);
  expect(later.messages.map((m) => m.content)).toContain("what animal?\n[image: cat.jpg, 48 B]");

  const saved = transcriptText(home);
  expect(saved).toContain("[image: cat.jpg, 48 B]");
  expect(saved).not.toContain(Buffer.from(PNG).toString("base64"));
  agent.close();
});

test("an image over the limit is not sent; the model reads a note saying so", async () => {
  home = new AgentHome();
  const provider = new ScriptedProvider(() => say("It is too big for me."));
  const agent = home.agent(provider, pool, policy, { images: { maxBytes: 40 } });
  await collect(agent.run(turn("", { attachments: [photo] })));
  const user = provider.requests[0]!.messages.at(-1)!;
  expect(user.images).toBeUndefined();
  expect(user.content).toBe(`[moltbot] The user attached image "cat.jpg" (48 B); it is not shown to you: it is larger than the 40 B limit.`);
  agent.close();
});
