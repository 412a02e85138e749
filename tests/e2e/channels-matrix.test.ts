// Matrix end to end: a user on the fake homeserver → matrix-js-sdk → the Matrix plugin → the
// real router and agent (sandbox, policy, audit, memory) → the fake Ollama model → a reply in
// the room. Pairing, group gating, approvals by reaction and by reply, and /stop.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MatrixChannel } from "../../channels/matrix/index.ts";
import type { FakeHomeserver } from "../fakes/matrix/fake-homeserver.ts";
import type { SentEvent } from "../fakes/matrix/routes.ts";
import { ANN, BOB, BOT, homeserverWithBot, until } from "../fakes/matrix/test-bot.ts";
import { type ChannelStack, startChannelStack } from "../helpers/channel-stack.ts";

let hs: FakeHomeserver | undefined;
let stack: ChannelStack | undefined;
afterEach(async () => {
  await stack?.stop();
  await hs?.stop();
  stack = hs = undefined;
});

const skillsDir = mkdtempSync(join(tmpdir(), "moltbot-matrix-skills-"));
afterAll(() => rmSync(skillsDir, { recursive: true, force: true }));
function noteSkill(): string {
  const dir = join(skillsDir, "note_write");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "skill.json"), JSON.stringify({ name: "note_write", version: "1.0.0", description: "write a note", implementation: "main.js", parameters: { text: { type: "string" } }, permissions: [] }));
  writeFileSync(join(dir, "main.js"), "export default async ({ text }) => ({ saved: text, summary: `saved ${text}` });");
  return dir;
}
const CONFIRM_NOTE = "version: 1\ntrust:\n  requiresConfirmation: [note_write]\n  default: confirm\n";

async function matrixStack(config: Record<string, unknown>, opts: Omit<Parameters<typeof startChannelStack>[0], "channels"> = {}) {
  const r = await homeserverWithBot();
  hs = r.hs;
  stack = await startChannelStack({ ...opts, channels: [{ plugin: new MatrixChannel(), config: { homeserver: hs.url, user_id: BOT, access_token: r.token, ...config } }] });
  return { hs: r.hs, stack };
}
const chats = (s: ChannelStack) => s.model.requests.filter((r) => r.path === "/api/chat");
const texts = (h: FakeHomeserver, roomId: string) => h.rec.sent.filter((e) => e.roomId === roomId && e.type === "m.room.message").map((e) => String(e.content.body));
const bodyIs = (roomId: string, re: RegExp) => (e: SentEvent) => e.roomId === roomId && e.type === "m.room.message" && re.test(String(e.content.body));

describe("access", () => {
  test("pairing: a stranger's DM invite is joined, they get a code, and after approval the model answers", async () => {
    const { hs, stack } = await matrixStack({ dm: "pairing" }, { script: [{ text: "Hello **Ann**!" }] });
    const dm = hs.createRoom([ANN]);
    hs.invite(dm, ANN, BOT, { isDirect: true });
    await until("joined", () => hs.state.joined(dm).includes(BOT));
    hs.sendText(dm, ANN, "what's the weather?");
    const pairing = await hs.waitSent(bodyIs(dm, /pairing code is/));
    const code = /pairing code is ([A-Z0-9]+)/.exec(String(pairing.content.body))?.[1] ?? "";
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    await stack.router.idle();
    expect(chats(stack)).toHaveLength(0);

    stack.approvePairing("matrix", code);
    hs.sendText(dm, ANN, "hi again");
    const answer = await hs.waitSent(bodyIs(dm, /Hello/));
    expect(answer.content).toMatchObject({ body: "Hello Ann!", format: "org.matrix.custom.html", formatted_body: "<p>Hello <strong>Ann</strong>!</p>" });
    expect(hs.rec.typing.some((t) => t.roomId === dm && t.typing)).toBe(true);
    const asked = JSON.stringify(chats(stack)[0]?.body);
    expect(asked).toContain("hi again");
    expect(asked).not.toContain("weather");
  });

  test("groups: only when mentioned or replied to, and only admitted senders", async () => {
    const { hs, stack } = await matrixStack({ dm: "pairing", allow: [ANN] }, { script: [{ text: "mentioned" }, { text: "replied" }] });
    const room = hs.createRoom([ANN, BOB, BOT]);
    await until("room synced", () => hs.rec.syncs.length > 2);
    hs.sendText(room, ANN, "chatting among ourselves");
    hs.sendText(room, BOB, "Molt: let me in");
    hs.sendText(room, ANN, "Molt: what's up?");
    const first = await hs.waitSent(bodyIs(room, /mentioned/));
    hs.sendText(room, ANN, "and this?", { "m.relates_to": { "m.in_reply_to": { event_id: first.eventId } } });
    await hs.waitSent(bodyIs(room, /replied/));
    await stack.router.idle();
    expect(texts(hs, room)).toEqual(["mentioned", "replied"]);
    expect(chats(stack)).toHaveLength(2);
    expect(JSON.stringify(chats(stack)[0]?.body)).not.toContain("let me in");
  });
});

describe("approvals", () => {
  async function prompt(reply: string) {
    const { hs, stack } = await matrixStack({ dm: "open" }, {
      skills: [noteSkill()], policyYaml: CONFIRM_NOTE,
      script: [{ toolCalls: [{ name: "note_write", params: { text: "buy milk" } }] }, { text: reply }],
    });
    const dm = hs.createRoom([ANN, BOT]);
    await until("room synced", () => hs.rec.syncs.length > 1);
    hs.sendText(dm, ANN, "remember to buy milk");
    const p = await hs.waitSent(bodyIs(dm, /Approval needed/));
    const id = /\/approve (\S+)/.exec(String(p.content.body))?.[1] ?? "";
    await hs.waitSent((e) => e.type === "m.reaction" && (e.content["m.relates_to"] as { key: string }).key === "👎");
    return { hs, stack, dm, prompt: p, id };
  }

  test("a 👍 reaction from the requester approves and the tool runs", async () => {
    const { hs, stack, dm, prompt: p, id } = await prompt("Saved your note.");
    expect(String(p.content.body)).toContain("React 👍 Approve or 👎 Deny");
    hs.react(dm, ANN, p.eventId, "👍");
    await hs.waitSent(bodyIs(dm, /Saved your note/));
    expect(texts(hs, dm).slice(-2)).toEqual([`Approved ${id}.`, "Saved your note."]);
    expect(JSON.stringify(chats(stack)[1]?.body)).toContain("saved buy milk");
  });

  test("a 👍 from someone else in the room is refused", async () => {
    const { hs, dm, prompt: p } = await prompt("Saved.");
    hs.join(dm, BOB);
    hs.react(dm, BOB, p.eventId, "👍");
    const refused = await hs.waitSent(bodyIs(dm, /may answer/));
    expect(String(refused.content.body)).toContain(`only matrix:${ANN}`);
  });

  test("/approve <id> as text approves", async () => {
    const { hs, dm, id } = await prompt("Saved by text.");
    hs.sendText(dm, ANN, `/approve ${id}`);
    await hs.waitSent(bodyIs(dm, /Saved by text/));
    expect(texts(hs, dm).slice(-2)).toEqual([`Approved ${id}.`, "Saved by text."]);
  });

  test("a bare /deny replying to the prompt denies; the tool does not run", async () => {
    const { hs, stack, dm, prompt: p, id } = await prompt("Okay, not saved.");
    hs.sendText(dm, ANN, "/deny", { "m.relates_to": { "m.in_reply_to": { event_id: p.eventId } } });
    await hs.waitSent(bodyIs(dm, /not saved/));
    expect(texts(hs, dm).slice(-2)).toEqual([`Denied ${id}.`, "Okay, not saved."]);
    expect(JSON.stringify(chats(stack)[1]?.body)).not.toContain("saved buy milk");
  });
});

test("/stop cancels the running turn; its answer never reaches the room", async () => {
  const { hs, stack } = await matrixStack({ dm: "open" }, { script: [{ text: "a very slow answer ".repeat(20), chunks: 40, delayMs: 50 }] });
  const dm = hs.createRoom([ANN, BOT]);
  await until("room synced", () => hs.rec.syncs.length > 1);
  hs.sendText(dm, ANN, "write me an essay");
  await until("model asked", () => chats(stack).length === 1);
  hs.sendText(dm, ANN, "/stop");
  await hs.waitSent(bodyIs(dm, /^Stopped\.$/));
  await stack.router.idle();
  expect(texts(hs, dm)).toEqual(["Stopped."]);
});
