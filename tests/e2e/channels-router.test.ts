// The channel router end to end: an in-memory test platform, the real router, the real agent
// with sandbox/policy/audit/memory, and the real Ollama provider talking to the fake Ollama
// server. Access control, commands and rendering as a chat user would notice them.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PAIRING_CODE } from "../../runtime/sessions/index.ts";
import { TestChannel } from "../../runtime/channel-router/test-channel.ts";
import { plainText } from "../../runtime/channel-router/index.ts";
import { startChannelStack, type ChannelStack } from "../helpers/channel-stack.ts";
import { CONFIRM_NOTE, PNG, testSkills } from "../helpers/test-skills.ts";

let stack: ChannelStack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

const chatRequests = (s: ChannelStack) => s.model.requests.filter((r) => r.path === "/api/chat");

const { skill, note: NOTE, snap: SNAP } = testSkills("router");

/** Waits for a condition the system under test will reach (no timing is asserted). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await Bun.sleep(5);
}

describe("access control", () => {
  test("pairing: an unknown DM sender gets a code, reaches no model, and is answered after approval", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "pairing" } }], script: [{ text: "Hello Ann!" }] });
    chan.inject("u1", "hi, what's the weather?", { id: "m1" });
    const pairing = await chan.next();
    const code = /pairing code is ([A-Z0-9]+)/.exec(pairing.message.text)?.[1] ?? "";
    expect(code).toMatch(PAIRING_CODE);
    expect(pairing.message.text).toContain(`moltbot pairing approve testchat ${code}`);
    await stack.router.idle();
    expect(chatRequests(stack)).toHaveLength(0);
    // Asking again gives the same code and still no model request.
    chan.inject("u1", "hello?", { id: "m2" });
    await stack.router.idle();
    expect(chan.sent[1]?.message.text).toContain(code);
    expect(chatRequests(stack)).toHaveLength(0);

    stack.approvePairing("testchat", code);
    chan.inject("u1", "hi again", { id: "m3" });
    await stack.router.idle();
    expect(chan.texts().at(-1)).toBe("Hello Ann!");
    const reqs = chatRequests(stack);
    expect(reqs).toHaveLength(1);
    const body = JSON.stringify(reqs[0]?.body);
    expect(body).toContain("hi again");
    expect(body).not.toContain("weather"); // the held message is not replayed
  });
});

describe("access control (continued)", () => {
  test("allowlist: others are ignored silently and never reach the model", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "allowlist", allow: ["u1"] } }], script: [{ text: "hi u1" }] });
    chan.inject("u2", "let me in");
    await stack.router.idle();
    expect(chan.sent).toHaveLength(0);
    expect(chatRequests(stack)).toHaveLength(0);
    chan.inject("u1", "hello");
    await stack.router.idle();
    expect(chan.texts("u1")).toEqual(["hi u1"]);
    expect(chan.typingCalls).toContain("u1");
  });

  test("groups: only admitted senders, and only when mentioned or replied to; no pairing codes in groups", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "pairing", allow: ["u1"] } }], script: [{ text: "mentioned" }, { text: "replied" }] });
    const group = { chatId: "g1", isGroup: true };
    chan.inject("u1", "chatting among ourselves", { ...group, id: "g-1" });
    chan.inject("u2", "@bot hello", { ...group, id: "g-2", mentioned: true });
    await stack.router.idle();
    expect(chan.sent).toHaveLength(0);
    chan.inject("u1", "@bot what's up", { ...group, id: "g-3", mentioned: true });
    await stack.router.idle();
    chan.inject("u1", "and this?", { ...group, id: "g-4", replyTo: "out-1", replyToBot: true });
    await stack.router.idle();
    expect(chan.sent.map((s) => [s.chatId, s.message.text, s.message.replyTo])).toEqual([["g1", "mentioned", "g-3"], ["g1", "replied", "g-4"]]);
    expect(chatRequests(stack)).toHaveLength(2);
  });

  test("a redelivered message (same id) is answered once", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "open" } }], script: [{ text: "once" }, { text: "twice" }] });
    chan.inject("u1", "hello", { id: "42" });
    chan.inject("u1", "hello", { id: "42" });
    await stack.router.idle();
    chan.inject("u1", "hello", { id: "42" });
    await stack.router.idle();
    expect(chan.texts()).toEqual(["once"]);
    expect(chatRequests(stack)).toHaveLength(1);
  });

  test("a malformed inbound message is skipped, not a crash", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "open" } }], script: [{ text: "still here" }] });
    chan.inject("", "no user", { userId: undefined as unknown as string });
    chan.inject("u1", 42 as unknown as string);
    chan.inject("u1", "ok");
    await stack.router.idle();
    expect(chan.texts()).toEqual(["still here"]);
  });
});

describe("commands and approvals", () => {
  test("/stop cancels the running turn; its answer is never sent", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "open" } }], script: [{ text: "a very slow answer ".repeat(20), chunks: 40, delayMs: 50 }] });
    chan.inject("u1", "write me an essay");
    const s = stack;
    await until(() => chatRequests(s).length === 1);
    chan.inject("u1", "/stop");
    await stack.router.idle();
    expect(chan.texts()).toEqual(["Stopped."]);
    chan.inject("u1", "/stop");
    await stack.router.idle();
    expect(chan.texts().at(-1)).toBe("Nothing is running.");
  });

  test("approval buttons: another user is refused, the requester's Approve runs the tool", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "open" } }], skills: [NOTE()], policyYaml: CONFIRM_NOTE, script: [{ toolCalls: [{ name: "note_write", params: { text: "buy milk" } }] }, { text: "Saved your note." }] });
    chan.inject("u1", "remember to buy milk");
    const prompt = await chan.next((s) => !!s.message.buttons);
    const id = /approve:(.+)/.exec(prompt.message.buttons?.[0]?.id ?? "")?.[1] ?? "";
    expect(prompt.message.buttons).toEqual([{ id: `approve:${id}`, label: "Approve" }, { id: `deny:${id}`, label: "Deny" }]);
    const shown = plainText(prompt.message.blocks ?? []);
    for (const part of ["note_write", "text: buy milk", "requires confirmation", `/approve ${id}`]) expect(shown).toContain(part);

    chan.press("u2", `approve:${id}`, { chatId: "u2" });
    const refused = await chan.next((s) => s.chatId === "u2");
    expect(refused.message.text).toContain("only testchat:u1 (or the owner) may answer");

    chan.press("u1", `approve:${id}`);
    await stack.router.idle();
    expect(chan.texts("u1").slice(-2)).toEqual([`Approved ${id}.`, "Saved your note."]);
    expect(JSON.stringify(chatRequests(stack)[1]?.body)).toContain("saved buy milk");
  });

  test("/deny from the requester: the tool does not run and the model is told", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "open" } }], skills: [NOTE()], policyYaml: CONFIRM_NOTE, script: [{ toolCalls: [{ name: "note_write", params: { text: "secret" } }] }, { text: "Okay, not saved." }] });
    chan.inject("u1", "note this");
    const prompt = await chan.next((s) => !!s.message.buttons);
    const id = prompt.message.buttons?.[0]?.id.slice("approve:".length) ?? "";
    chan.inject("u1", `/deny ${id}`);
    await stack.router.idle();
    expect(chan.texts().slice(-2)).toEqual([`Denied ${id}.`, "Okay, not saved."]);
    expect(JSON.stringify(chatRequests(stack)[1]?.body)).not.toContain("saved secret");
  });

  test("the owner may answer anyone's approval by /approve; unknown ids get the error", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "open" } }], owners: ["testchat:boss"], skills: [NOTE()], policyYaml: CONFIRM_NOTE, script: [{ toolCalls: [{ name: "note_write", params: { text: "x" } }] }, { text: "Done." }] });
    chan.inject("u1", "note x");
    const prompt = await chan.next((s) => !!s.message.buttons);
    const id = prompt.message.buttons?.[0]?.id.slice("approve:".length) ?? "";
    chan.inject("boss", "/approve nope-123");
    expect((await chan.next((s) => s.chatId === "boss")).message.text).toContain("no approval with id nope-123");
    chan.inject("boss", `/approve ${id}`);
    await stack.router.idle();
    expect(chan.texts("boss").at(-1)).toBe(`Approved ${id}.`);
    expect(chan.texts("u1").at(-1)).toBe("Done.");
  });
});

describe("rendering", () => {
  test("a long answer is split to the platform limit with its code block intact", async () => {
    const chan = new TestChannel("testchat", 400);
    const code = Array.from({ length: 12 }, (_, i) => `for i in range(${i}): print(i)`).join("\n");
    const answer = `# Report\n\n${"This is a long explanation. ".repeat(30)}\n\n\`\`\`python\n${code}\n\`\`\`\n\nThat's **all**.`;
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "open" } }], script: [{ text: answer, chunks: 7 }] });
    chan.inject("u1", "explain");
    await stack.router.idle();
    const blocks = chan.sent.map((s) => s.message.blocks ?? []);
    expect(blocks.length).toBeGreaterThan(2);
    for (const b of blocks) expect(plainText(b).length).toBeLessThanOrEqual(400);
    const codeBlocks = blocks.flat().filter((b) => b.t === "code_block");
    expect(codeBlocks).toEqual([{ t: "code_block", lang: "python", text: code }]);
    expect(blocks.flat()[0]).toEqual({ t: "heading", level: 1, children: [{ t: "text", text: "Report" }] });
    expect(blocks.flat().at(-1)).toEqual({ t: "para", children: [{ t: "text", text: "That's " }, { t: "bold", children: [{ t: "text", text: "all" }] }, { t: "text", text: "." }] });
  });

  test("images a tool returns are forwarded as attachments", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "open" } }], skills: [SNAP()], policyYaml: CONFIRM_NOTE, script: [{ toolCalls: [{ name: "snap", params: {} }] }, { text: "Here is the picture." }] });
    chan.inject("u1", "take a picture");
    await stack.router.idle();
    const withImage = chan.sent.find((s) => s.message.attachments?.length);
    expect(withImage?.message.attachments?.[0]).toMatchObject({ kind: "image", mime: "image/png", name: "snap.png" });
    expect(Buffer.from(withImage?.message.attachments?.[0]?.data ?? []).equals(PNG)).toBe(true);
    expect(chan.texts().at(-1)).toBe("Here is the picture.");
  });

  test("status per channel for /health", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "open" } }] });
    expect(stack.router.status()).toEqual({ testchat: { state: "connected" } });
    expect(chan.ctx?.stateDir).toBe(join(stack.home, "testchat"));
    await stack.router.stop();
    expect(stack.router.status()).toEqual({ testchat: { state: "stopped" } });
  });
});
