// The channel router end to end: an in-memory test platform, the real router, the real agent
// with sandbox/policy/audit/memory, and the real Ollama provider talking to the fake Ollama
// server. Access control, commands and rendering as a chat user would notice them.
import { afterEach, describe, expect, test } from "bun:test";
import { PAIRING_CODE } from "../../runtime/sessions/index.ts";
import { TestChannel } from "../../runtime/channel-router/test-channel.ts";
import { startChannelStack, type ChannelStack } from "../helpers/channel-stack.ts";

let stack: ChannelStack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

const chatRequests = (s: ChannelStack) => s.model.requests.filter((r) => r.path === "/api/chat");

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
