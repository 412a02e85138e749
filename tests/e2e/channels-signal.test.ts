// Signal end to end: the fake signal-cli daemon (HTTP JSON-RPC + SSE on 127.0.0.1) → the Signal
// plugin → the real router and agent (sandbox, policy, audit, memory) → the fake Ollama model →
// `send` calls back at the daemon. Pairing, group gating, /approve and /deny by the requester
// and by others, /stop, images in and out.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignalChannel } from "../../channels/signal/index.ts";
import { type FakeSignalCli, startFakeSignalCli } from "../fakes/signal/fake-signal-cli.ts";
import { type ChannelStack, startChannelStack } from "../helpers/channel-stack.ts";
import { CONFIRM_NOTE, PNG, testSkills } from "../helpers/test-skills.ts";

const BOT = "+15550001111";
const ann = { number: "+15550002222", name: "Ann" };
const bob = { number: "+15550003333", name: "Bob" };
const GROUP = "R3JvdXBPZlRocmVl";

let stack: ChannelStack | undefined;
let fake: FakeSignalCli | undefined;
afterEach(async () => {
  await stack?.stop();
  await fake?.stop();
  stack = fake = undefined;
});

const { skill, note: noteSkill } = testSkills("signal");

async function signalStack(config: Record<string, unknown>, opts: Omit<Parameters<typeof startChannelStack>[0], "channels"> = {}) {
  fake = await startFakeSignalCli({ account: BOT });
  stack = await startChannelStack({ ...opts, channels: [{ plugin: new SignalChannel({ initialBackoffMs: 20, maxBackoffMs: 100 }), config: { url: fake.url, account: BOT, ...config } }] });
  expect(stack.router.status().signal?.state).toBe("connected");
  return { stack, fake };
}
const chats = (s: ChannelStack) => s.model.requests.filter((r) => r.path === "/api/chat");
const textsTo = (f: FakeSignalCli, chatId: string) => f.sent.filter((s) => s.chatId === chatId).map((s) => s.message);
const waitText = async (f: FakeSignalCli, chatId: string, re: RegExp) => (await f.waitSent((s) => s.chatId === chatId && re.test(s.message))).message;

describe("access", () => {
  test("pairing: an unknown sender gets a code and reaches no model until approved", async () => {
    const { stack, fake } = await signalStack({ dm: "pairing" }, { script: [{ text: "Hello **Ann**, `welcome`!" }] });
    const held = fake.dm(ann, "who are you");
    const pairing = await waitText(fake, ann.number, /pairing code is/);
    const code = /pairing code is ([A-Z0-9]+)/.exec(pairing)?.[1] ?? "";
    expect(pairing).toContain(`moltbot pairing approve signal ${code}`);
    await stack.router.idle();
    expect(chats(stack)).toHaveLength(0);

    stack.approvePairing("signal", code);
    fake.redeliver(held); // a redelivery of the held message is not replayed
    fake.dm(ann, "hi again");
    await waitText(fake, ann.number, /Hello/);
    const answer = fake.sent.find((s) => s.message.startsWith("Hello"))!;
    expect(answer.message).toBe("Hello Ann, welcome!");
    expect(answer.textStyles).toEqual(["6:3:BOLD", "11:7:MONOSPACE"]);
    expect(fake.typing.some((t) => (t.recipient as string[] | undefined)?.[0] === ann.number)).toBe(true);
    await stack.router.idle();
    expect(chats(stack)).toHaveLength(1);
    const asked = JSON.stringify(chats(stack)[0]?.body);
    expect(asked).toContain("hi again");
    expect(asked).not.toContain("who are you");
  });

  test("groups: answered only when mentioned or replied to, only to admitted senders, quoting the asker", async () => {
    const { stack, fake } = await signalStack({ dm: "allowlist", allow: [ann.number] }, { script: [{ text: "mentioned" }, { text: "replied" }] });
    fake.group(ann, GROUP, "just chatting");
    fake.group(bob, GROUP, "let me in", { mentionBot: true });
    const asked = fake.group(ann, GROUP, "what's the time?", { mentionBot: true });
    await waitText(fake, `group:${GROUP}`, /mentioned/);
    const first = fake.sent.find((s) => s.chatId === `group:${GROUP}`)!;
    expect({ author: first.quoteAuthor, ts: first.quoteTimestamp }).toEqual({ author: ann.number, ts: Number(asked.split(":")[1]) });
    fake.reply(ann, first.id, "and this?", { groupId: GROUP });
    await waitText(fake, `group:${GROUP}`, /replied/);
    await stack.router.idle();
    expect(textsTo(fake, `group:${GROUP}`)).toEqual(["mentioned", "replied"]);
    expect(chats(stack)).toHaveLength(2);
    const all = JSON.stringify(chats(stack));
    expect(all).not.toContain("let me in");
    expect(all).not.toContain("just chatting");
    expect(all).toContain("what's the time?");
  });
});

describe("approvals", () => {
  async function prompt(reply: string) {
    const r = await signalStack({ dm: "open" }, {
      skills: [noteSkill()], policyYaml: CONFIRM_NOTE,
      script: [{ toolCalls: [{ name: "note_write", params: { text: "buy milk" } }] }, { text: reply }],
    });
    r.fake.dm(ann, "remember to buy milk");
    const text = await waitText(r.fake, ann.number, /\/approve \S+/);
    const id = /\/approve ([\w-]+)/.exec(text)?.[1] ?? "";
    return { ...r, text, id };
  }

  test("the prompt shows the call and the /approve and /deny replies; /approve from the requester runs the tool", async () => {
    const { stack, fake, text, id } = await prompt("Saved your note.");
    expect(text).toContain("Approval needed: note_write");
    expect(text).toContain("text: buy milk");
    expect(text).toContain(`/approve ${id}`);
    expect(text).toContain(`/deny ${id}`);
    fake.dm(ann, `/approve ${id}`);
    await waitText(fake, ann.number, /Saved your note/);
    expect(textsTo(fake, ann.number).slice(-2)).toEqual([`Approved ${id}.`, "Saved your note."]);
    expect(JSON.stringify(chats(stack)[1]?.body)).toContain("saved buy milk");
  });

  test("/deny denies and the tool does not run", async () => {
    const { stack, fake, id } = await prompt("Okay, not saved.");
    fake.dm(ann, `/deny ${id}`);
    await waitText(fake, ann.number, /not saved/);
    expect(textsTo(fake, ann.number).slice(-2)).toEqual([`Denied ${id}.`, "Okay, not saved."]);
    expect(JSON.stringify(chats(stack)[1]?.body)).not.toContain("saved buy milk");
  });

  test("in a group, only the requester may answer", async () => {
    const r = await signalStack({ dm: "allowlist", allow: [ann.number, bob.number] }, {
      skills: [noteSkill()], policyYaml: CONFIRM_NOTE,
      script: [{ toolCalls: [{ name: "note_write", params: { text: "buy milk" } }] }, { text: "Saved." }],
    });
    r.fake.group(bob, GROUP, "note: buy milk", { mentionBot: true });
    const text = await waitText(r.fake, `group:${GROUP}`, /\/approve \S+/);
    const id = /\/approve ([\w-]+)/.exec(text)?.[1] ?? "";
    // In a group the bot hears only mentions and replies: answer by quoting the prompt.
    const promptId = r.fake.sent.find((s) => s.message === text)!.id;
    r.fake.reply(ann, promptId, `/approve ${id}`, { groupId: GROUP });
    expect(await waitText(r.fake, `group:${GROUP}`, /may answer/)).toContain(`signal:${bob.number}`);
    r.fake.reply(bob, promptId, `/approve ${id}`, { groupId: GROUP });
    await waitText(r.fake, `group:${GROUP}`, /^Saved\.$/);
    expect(JSON.stringify(chats(r.stack)[1]?.body)).toContain("saved buy milk");
  });
});

test("/stop cancels the running turn; its answer never reaches the chat", async () => {
  const { stack, fake } = await signalStack({ dm: "open" }, { script: [{ text: "a very slow answer ".repeat(20), chunks: 40, delayMs: 50 }] });
  fake.dm(ann, "write me an essay");
  await fake.waitFor(() => (chats(stack).length === 1 ? true : undefined), "the model asked");
  fake.dm(ann, "/stop");
  await waitText(fake, ann.number, /^Stopped\.$/);
  await stack.router.idle();
  expect(textsTo(fake, ann.number)).toEqual(["Stopped."]);
});

describe("images", () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

  test("a photo with a caption is fetched from the daemon and reaches the model with its caption", async () => {
    const { stack, fake } = await signalStack({ dm: "open" }, { script: [{ text: "A PNG header." }] });
    fake.image(ann, png, "image/png", "what is this?");
    await waitText(fake, ann.number, /PNG header/);
    expect(fake.calls.some((c) => c.method === "getAttachment" && c.params.recipient === ann.number)).toBe(true);
    expect(JSON.stringify(chats(stack)[0]?.body)).toContain("what is this?");
    expect(stack.model.images().map((i) => i.base64)).toContain(Buffer.from(png).toString("base64"));
  });

  test("a tool's image is sent as a Signal attachment with the same bytes", async () => {
    const shot = skill("screenshot", `export default async () => ({ summary: "took a screenshot", attachments: [{ kind: "image", mime: "image/png", name: "shot.png", base64: "${Buffer.from(png).toString("base64")}" }] });`);
    const { fake } = await signalStack({ dm: "open" }, { skills: [shot], policyYaml: "version: 1\ntrust: { default: allow }\n", script: [{ toolCalls: [{ name: "screenshot", params: {} }] }, { text: "Here it is." }] });
    fake.dm(ann, "show me the page");
    await waitText(fake, ann.number, /Here it is/);
    const photo = await fake.waitSent((s) => s.attachments.length > 0);
    expect(photo.chatId).toBe(ann.number);
    const [head, b64] = photo.attachments[0]!.split(",");
    expect(head).toBe("data:image/png;filename=shot.png;base64");
    expect([...Buffer.from(b64!, "base64")]).toEqual([...png]);
  });
});
