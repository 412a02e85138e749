// WhatsApp end to end: baileys socket events from proto fixtures → the WhatsApp plugin → the
// real router and agent (sandbox, policy, audit, memory) → the fake Ollama model → messages
// built by baileys' own generateWAMessage on the socket stand-in. Pairing, group gating,
// /approve and /deny, /stop, and a tool's image sent as a photo.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadMediaMessage } from "baileys";
import { createWhatsAppChannel } from "../../channels/whatsapp/index.ts";
import { fakeWhatsApp, type FakeSocket } from "../fakes/whatsapp/fake-socket.ts";
import { fixturePath, loadMessage, textMessage } from "../fakes/whatsapp/fixtures.ts";
import { startMediaServer, type MediaServer } from "../fakes/whatsapp/media-server.ts";
import { until } from "../fakes/whatsapp/harness.ts";
import { type ChannelStack, startChannelStack } from "../helpers/channel-stack.ts";
import { CONFIRM_NOTE, PNG, testSkills } from "../helpers/test-skills.ts";

const ANN = "15550001111@s.whatsapp.net"; // the sender of the dm-* fixtures
const BO = "15550002222@s.whatsapp.net"; // the sender of the group-* fixtures
const GROUP = "120363041234567890@g.us";
const BOT_JID = "15550009999@s.whatsapp.net";

let stack: ChannelStack | undefined;
let media: MediaServer | undefined;
afterEach(async () => {
  await stack?.stop();
  await media?.stop();
  stack = media = undefined;
});

const { skill, note: noteSkill } = testSkills("wa");

async function whatsappStack(config: Record<string, unknown>, opts: Omit<Parameters<typeof startChannelStack>[0], "channels"> = {}) {
  media = startMediaServer();
  const wa = fakeWhatsApp(media);
  stack = await startChannelStack({ ...opts, channels: [{ plugin: createWhatsAppChannel({ socketFactory: wa.factory, sendGapMs: 0 }), config }] });
  const sock = await wa.socketCount(1);
  sock.open();
  await until(() => stack!.router.status().whatsapp?.state === "connected", "connected");
  return { stack, sock };
}
const chats = (s: ChannelStack) => s.model.requests.filter((r) => r.path === "/api/chat");
const textsTo = (sock: FakeSocket, jid: string) =>
  sock.sent.filter((s) => s.jid === jid).map((s) => s.message.message?.extendedTextMessage?.text ?? s.message.message?.imageMessage?.caption ?? "");
async function waitText(sock: FakeSocket, jid: string, re: RegExp): Promise<string> {
  await until(() => textsTo(sock, jid).some((t) => re.test(t)), String(re));
  return textsTo(sock, jid).find((t) => re.test(t))!;
}

describe("access", () => {
  test("pairing: an unknown sender gets a code and reaches no model until approved", async () => {
    const { stack, sock } = await whatsappStack({ dm: "pairing" }, { script: [{ text: "Hello **Ann**, _welcome_!" }] });
    sock.upsert([loadMessage("dm-text.json")]);
    const pairing = await waitText(sock, ANN, /pairing code is/);
    const code = /pairing code is ([A-Z0-9]+)/.exec(pairing)?.[1] ?? "";
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(pairing).toContain(`moltbot pairing approve whatsapp ${code}`);
    await stack.router.idle();
    expect(chats(stack)).toHaveLength(0);

    stack.approvePairing("whatsapp", code);
    sock.upsert([loadMessage("dm-text.json")]); // a redelivery of the held message is not replayed
    sock.upsert([textMessage({ chat: ANN, text: "hi again" })]);
    expect(await waitText(sock, ANN, /Hello/)).toBe("Hello *Ann*, _welcome_!");
    expect(sock.presences.some((p) => p.type === "composing" && p.jid === ANN)).toBe(true);
    await stack.router.idle();
    expect(chats(stack)).toHaveLength(1);
    const asked = JSON.stringify(chats(stack)[0]?.body);
    expect(asked).toContain("hi again");
    expect(asked).not.toContain("who are you");
  });

  test("groups: answered only when mentioned or replied to, only to admitted senders, quoting the asker", async () => {
    const { stack, sock } = await whatsappStack({ dm: "allowlist", allow: ["15550002222"] }, { script: [{ text: "mentioned" }, { text: "replied" }] });
    sock.upsert([loadMessage("group-plain.json")]);
    sock.upsert([textMessage({ chat: GROUP, from: "15550005555@s.whatsapp.net", text: "@15550009999 let me in", mentions: [BOT_JID] })]);
    sock.upsert([loadMessage("group-mention.json")]);
    await waitText(sock, GROUP, /mentioned/);
    const first = sock.sent.find((s) => s.jid === GROUP)!;
    expect(first.message.message?.extendedTextMessage?.contextInfo?.stanzaId).toBe("3EB0AA11BB22CC33DD03");
    sock.upsert([textMessage({ chat: GROUP, from: BO, text: "and this?", quote: { id: first.message.key.id!, participant: BOT_JID, text: "mentioned" } })]);
    await waitText(sock, GROUP, /replied/);
    await stack.router.idle();
    expect(textsTo(sock, GROUP)).toEqual(["mentioned", "replied"]);
    expect(chats(stack)).toHaveLength(2);
    expect(JSON.stringify(chats(stack))).not.toContain("let me in");
  });
});

describe("approvals", () => {
  async function prompt(reply: string, config: Record<string, unknown> = { dm: "open" }) {
    const r = await whatsappStack(config, {
      skills: [noteSkill()], policyYaml: CONFIRM_NOTE,
      script: [{ toolCalls: [{ name: "note_write", params: { text: "buy milk" } }] }, { text: reply }],
    });
    r.sock.upsert([textMessage({ chat: ANN, text: "remember to buy milk" })]);
    const text = await waitText(r.sock, ANN, /\/approve \S+/);
    const id = /\/approve ([\w-]+)/.exec(text)?.[1] ?? "";
    return { ...r, text, id };
  }

  test("the prompt lists /approve and /deny; /approve from the requester runs the tool", async () => {
    const { stack, sock, text, id } = await prompt("Saved your note.");
    expect(text).toContain(`*Approval needed*: note_write`);
    expect(text).toContain("```\ntext: buy milk\n```");
    expect(text).toContain(`Reply \`/approve ${id}\` or \`/deny ${id}\``);
    sock.upsert([textMessage({ chat: ANN, text: `/approve ${id}` })]);
    await waitText(sock, ANN, /Saved your note/);
    expect(textsTo(sock, ANN).slice(-2)).toEqual([`Approved ${id}.`, "Saved your note."]);
    expect(JSON.stringify(chats(stack)[1]?.body)).toContain("saved buy milk");
  });

  test("/deny denies and the tool does not run", async () => {
    const { stack, sock, id } = await prompt("Okay, not saved.");
    sock.upsert([textMessage({ chat: ANN, text: `/deny ${id}` })]);
    await waitText(sock, ANN, /not saved/);
    expect(textsTo(sock, ANN).slice(-2)).toEqual([`Denied ${id}.`, "Okay, not saved."]);
    expect(JSON.stringify(chats(stack)[1]?.body)).not.toContain("saved buy milk");
  });

  test("in a group, only the requester may answer", async () => {
    const r = await whatsappStack({ dm: "allowlist", allow: ["15550002222", "15550001111"] }, {
      skills: [noteSkill()], policyYaml: CONFIRM_NOTE,
      script: [{ toolCalls: [{ name: "note_write", params: { text: "buy milk" } }] }, { text: "Saved." }],
    });
    r.sock.upsert([textMessage({ chat: GROUP, from: BO, text: "@15550009999 note: buy milk", mentions: [BOT_JID] })]);
    const text = await waitText(r.sock, GROUP, /\/approve \S+/);
    const id = /\/approve ([\w-]+)/.exec(text)?.[1] ?? "";
    // in a group the bot hears only mentions and replies: answer by replying to the prompt
    const promptId = r.sock.sent.find((s) => s.jid === GROUP && s.message.message?.extendedTextMessage?.text === text)!.message.key.id!;
    const quote = { id: promptId, participant: BOT_JID, text };
    r.sock.upsert([textMessage({ chat: GROUP, from: ANN, text: `/approve ${id}`, quote })]);
    expect(await waitText(r.sock, GROUP, /may answer/)).toContain("whatsapp:15550002222");
    r.sock.upsert([textMessage({ chat: GROUP, from: BO, text: `/approve ${id}`, quote })]);
    await waitText(r.sock, GROUP, /^Saved\.$/);
  });
});

test("/stop cancels the running turn; its answer never reaches the chat", async () => {
  const { stack, sock } = await whatsappStack({ dm: "open" }, { script: [{ text: "a very slow answer ".repeat(20), chunks: 40, delayMs: 50 }] });
  sock.upsert([textMessage({ chat: ANN, text: "write me an essay" })]);
  await until(() => chats(stack).length === 1, "model asked");
  sock.upsert([textMessage({ chat: ANN, text: "/stop" })]);
  await waitText(sock, ANN, /^Stopped\.$/);
  await stack.router.idle();
  expect(textsTo(sock, ANN)).toEqual(["Stopped."]);
});

test("a tool's image is sent as a WhatsApp photo that decrypts to the same bytes", async () => {
  const png = readFileSync(fixturePath("photo.png"));
  const shot = skill("screenshot", `export default async () => ({ summary: "took a screenshot", attachments: [{ kind: "image", mime: "image/png", name: "shot.png", base64: "${png.toString("base64")}" }] });`);
  const { sock } = await whatsappStack({ dm: "open" }, { skills: [shot], policyYaml: "version: 1\ntrust: { default: allow }\n", script: [{ toolCalls: [{ name: "screenshot", params: {} }] }, { text: "Here it is." }] });
  sock.upsert([textMessage({ chat: ANN, text: "show me the page" })]);
  await waitText(sock, ANN, /Here it is/);
  const photo = sock.sent.find((s) => s.message.message?.imageMessage);
  expect(photo?.jid).toBe(ANN);
  expect(await downloadMediaMessage(photo!.message, "buffer", {})).toEqual(png);
});
