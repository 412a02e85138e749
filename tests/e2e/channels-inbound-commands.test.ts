// What the router and the model get from an inbound message, end to end: in a WhatsApp group
// "@bot /approve <id>" and "@bot /stop" are commands and the model never sees the bot's number
// (baileys socket stand-in → WhatsApp plugin → real router and agent → fake Ollama); in Matrix
// a message that starts with a Markdown quote keeps it, and only a real reply loses its
// fallback (fake homeserver over HTTP → matrix-js-sdk → Matrix plugin → router → model); and
// `moltbot identity link` refuses identities no channel would ever send.
import { afterEach, describe, expect, test } from "bun:test";
import { MatrixChannel } from "../../channels/matrix/index.ts";
import { createWhatsAppChannel } from "../../channels/whatsapp/index.ts";
import type { FakeHomeserver } from "../fakes/matrix/fake-homeserver.ts";
import type { SentEvent } from "../fakes/matrix/routes.ts";
import { ANN as MX_ANN, BOB as MX_BOB, BOT as MX_BOT, homeserverWithBot, until as mxUntil } from "../fakes/matrix/test-bot.ts";
import { fakeWhatsApp, type FakeSocket } from "../fakes/whatsapp/fake-socket.ts";
import { textMessage } from "../fakes/whatsapp/fixtures.ts";
import { until } from "../fakes/whatsapp/harness.ts";
import { startMediaServer, type MediaServer } from "../fakes/whatsapp/media-server.ts";
import { Sandbox } from "../helpers/cli.ts";
import { type ChannelStack, type ChannelStackOptions, startChannelStack } from "../helpers/channel-stack.ts";
import { CONFIRM_NOTE, testSkills } from "../helpers/test-skills.ts";

let stack: ChannelStack | undefined;
let media: MediaServer | undefined;
let hs: FakeHomeserver | undefined;
let box: Sandbox | undefined;
afterEach(async () => {
  await stack?.stop();
  await media?.stop();
  await hs?.stop();
  box?.cleanup();
  stack = media = hs = box = undefined;
});

const { note: noteSkill } = testSkills("inbound-commands");
type Opts = Omit<ChannelStackOptions, "channels">;
const chats = (s: ChannelStack) => s.model.requests.filter((r) => r.path === "/api/chat");
/** The newest user message of each chat request, as the model received it. */
const asked = (s: ChannelStack) => chats(s).map((r) => {
  const messages = (r.body as { messages?: { role: string; content: string }[] }).messages ?? [];
  return messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
});

describe("WhatsApp groups: the bot's mention is cut, so commands work and the model sees clean text", () => {
  const GROUP = "120363041234567890@g.us";
  const ANN = "15550001111@s.whatsapp.net";
  const BO = "15550002222@s.whatsapp.net";
  const BOT_PHONE = "15550009999@s.whatsapp.net";
  const BOT_LID = "88000000000001@lid";

  async function whatsappStack(opts: Opts) {
    media = startMediaServer();
    const wa = fakeWhatsApp(media);
    stack = await startChannelStack({ ...opts, channels: [{ plugin: createWhatsAppChannel({ socketFactory: wa.factory, sendGapMs: 0 }), config: { dm: "allowlist", allow: ["15550001111", "15550002222"] } }] });
    const sock = await wa.socketCount(1);
    sock.open();
    await until(() => stack!.router.status().whatsapp?.state === "connected", "connected");
    return { stack, sock };
  }
  const textsTo = (sock: FakeSocket, jid: string) => sock.sent.filter((s) => s.jid === jid).map((s) => s.message.message?.extendedTextMessage?.text ?? "");
  async function waitText(sock: FakeSocket, jid: string, re: RegExp): Promise<string> {
    await until(() => textsTo(sock, jid).some((t) => re.test(t)), String(re));
    return textsTo(sock, jid).find((t) => re.test(t))!;
  }

  test("'@bot /approve <id>' from the requester approves; the paused turn finishes", async () => {
    const { stack, sock } = await whatsappStack({
      skills: [noteSkill()], policyYaml: CONFIRM_NOTE,
      script: [{ toolCalls: [{ name: "note_write", params: { text: "buy milk" } }] }, { text: "Saved." }],
    });
    sock.upsert([textMessage({ chat: GROUP, from: BO, text: "@15550009999 note: buy milk", mentions: [BOT_PHONE] })]);
    const prompt = await waitText(sock, GROUP, /\/approve \S+/);
    const id = /\/approve ([\w-]+)/.exec(prompt)?.[1] ?? "";
    sock.upsert([textMessage({ chat: GROUP, from: BO, text: `@15550009999 /approve ${id}`, mentions: [BOT_PHONE] })]);
    await waitText(sock, GROUP, /^Saved\.$/);
    await stack.router.idle();
    expect(textsTo(sock, GROUP).slice(-2)).toEqual([`Approved ${id}.`, "Saved."]);
    expect(JSON.stringify(chats(stack)[1]?.body)).toContain("saved buy milk");
    expect(asked(stack)).toEqual(["note: buy milk", "note: buy milk"]); // no turn for the command
  });

  test("'@bot /deny <id>' by LID mention denies", async () => {
    const { stack, sock } = await whatsappStack({
      skills: [noteSkill()], policyYaml: CONFIRM_NOTE,
      script: [{ toolCalls: [{ name: "note_write", params: { text: "buy milk" } }] }, { text: "Not saved." }],
    });
    sock.upsert([textMessage({ chat: GROUP, from: BO, text: "@88000000000001 note: buy milk", mentions: [BOT_LID] })]);
    const prompt = await waitText(sock, GROUP, /\/approve \S+/);
    const id = /\/approve ([\w-]+)/.exec(prompt)?.[1] ?? "";
    sock.upsert([textMessage({ chat: GROUP, from: BO, text: `@88000000000001 /deny ${id}`, mentions: [BOT_LID] })]);
    await waitText(sock, GROUP, /^Not saved\.$/);
    expect(textsTo(sock, GROUP).slice(-2)).toEqual([`Denied ${id}.`, "Not saved."]);
    expect(JSON.stringify(chats(stack)[1]?.body)).not.toContain("saved buy milk");
  });

  test("'@bot /stop' stops the slow answer; the model never gets '/stop' as a question", async () => {
    const { stack, sock } = await whatsappStack({ script: [{ text: "a very slow answer ".repeat(20), chunks: 40, delayMs: 50 }] });
    sock.upsert([textMessage({ chat: GROUP, from: ANN, text: "@15550009999 write me an essay", mentions: [BOT_PHONE] })]);
    await until(() => chats(stack).length === 1, "model asked");
    sock.upsert([textMessage({ chat: GROUP, from: ANN, text: "@15550009999 /stop", mentions: [BOT_PHONE] })]);
    await waitText(sock, GROUP, /^Stopped\.$/);
    await stack.router.idle();
    expect(textsTo(sock, GROUP)).toEqual(["Stopped."]);
    expect(asked(stack)).toEqual(["write me an essay"]);
  });

  test("the model sees neither the bot's phone number nor its LID", async () => {
    const { stack, sock } = await whatsappStack({ script: [{ text: "one" }, { text: "two" }] });
    sock.upsert([textMessage({ chat: GROUP, from: ANN, text: "@15550009999 hi by phone", mentions: [BOT_PHONE] })]);
    await waitText(sock, GROUP, /^one$/);
    sock.upsert([textMessage({ chat: GROUP, from: BO, text: "@88000000000001 hi by lid", mentions: [BOT_LID] })]);
    await waitText(sock, GROUP, /^two$/);
    await stack.router.idle();
    expect(asked(stack)).toEqual(["hi by phone", "hi by lid"]);
    expect(JSON.stringify(chats(stack))).not.toMatch(/15550009999|88000000000001/);
  });
});

describe("Matrix: a leading Markdown quote is the user's text; only a reply's fallback goes", () => {
  async function matrixStack(opts: Opts) {
    const r = await homeserverWithBot();
    hs = r.hs;
    stack = await startChannelStack({ ...opts, channels: [{ plugin: new MatrixChannel(), config: { homeserver: r.hs.url, user_id: MX_BOT, access_token: r.token, dm: "open" } }] });
    const dm = r.hs.createRoom([MX_ANN, MX_BOT]);
    await mxUntil("room synced", () => r.hs.rec.syncs.length > 1);
    return { hs: r.hs, stack, dm };
  }
  const bodyIs = (roomId: string, re: RegExp) => (e: SentEvent) => e.roomId === roomId && e.type === "m.room.message" && re.test(String(e.content.body));

  test("a message that starts with a quote reaches the model whole", async () => {
    const { hs, stack, dm } = await matrixStack({ script: [{ text: "Shakespeare." }] });
    hs.sendText(dm, MX_ANN, "> To be, or not to be…\n\nWho wrote this line?");
    await hs.waitSent(bodyIs(dm, /Shakespeare/));
    expect(asked(stack)).toEqual(["> To be, or not to be…\n\nWho wrote this line?"]);
  });

  test("a quote-only message gets an answer", async () => {
    const { hs, stack, dm } = await matrixStack({ script: [{ text: "It is a quote." }] });
    hs.sendText(dm, MX_ANN, "> only a quote, please explain it");
    await hs.waitSent(bodyIs(dm, /It is a quote/));
    expect(asked(stack)).toEqual(["> only a quote, please explain it"]);
  });

  test("a reply with the spec's fallback: the model sees the reply, and a quote the user added", async () => {
    const { hs, stack, dm } = await matrixStack({ script: [{ text: "first answer" }, { text: "second answer" }, { text: "third answer" }] });
    hs.sendText(dm, MX_ANN, "hello");
    const first = await hs.waitSent(bodyIs(dm, /first answer/));
    const reply = { "m.relates_to": { "m.in_reply_to": { event_id: first.eventId } } };
    hs.sendText(dm, MX_ANN, `> <${MX_BOT}> first answer\n\nand then?`, reply);
    await hs.waitSent(bodyIs(dm, /second answer/));
    hs.sendText(dm, MX_ANN, `> <${MX_BOT}> second answer\n\n> second\n\nwhat did you mean?`, reply);
    await hs.waitSent(bodyIs(dm, /third answer/));
    expect(asked(stack)).toEqual(["hello", "and then?", "> second\n\nwhat did you mean?"]);
  });

  test("in a group, a quote addressed to the bot by name keeps the quote", async () => {
    const r = await homeserverWithBot();
    hs = r.hs;
    stack = await startChannelStack({ script: [{ text: "Hamlet." }], channels: [{ plugin: new MatrixChannel(), config: { homeserver: r.hs.url, user_id: MX_BOT, access_token: r.token, dm: "open" } }] });
    const room = r.hs.createRoom([MX_ANN, MX_BOB, MX_BOT]);
    await mxUntil("room synced", () => r.hs.rec.syncs.length > 2);
    r.hs.sendText(room, MX_ANN, "> To be, or not to be\n\nwhich play, Molt?", { "m.mentions": { user_ids: [MX_BOT] } });
    await r.hs.waitSent(bodyIs(room, /Hamlet/));
    expect(asked(stack)).toEqual(["> To be, or not to be\n\nwhich play, Molt?"]);
  });
});

describe("moltbot identity link refuses identities no channel sends", () => {
  test("a misspelled channel exits 2, suggests the channel and names the known ones; nothing is linked", async () => {
    box = new Sandbox();
    const r = await box.run(["identity", "link", "telgram:43", "matrix:@nobody:x"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("error: identity link: the first identity 'telgram:43' names an unknown channel 'telgram' — did you mean telegram?\nhint: known channels: telegram, matrix, signal, whatsapp, webchat\n");
    const list = await box.run(["identity", "list", "--json"]);
    expect(JSON.parse(list.stdout)).toEqual({ ok: true, output: [] });
  });

  test("--json reports invalid_input with the hint", async () => {
    box = new Sandbox();
    const r = await box.run(["identity", "link", "telegram:43", "irc:ann", "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: "invalid_input", message: "identity link: the second identity 'irc:ann' names an unknown channel 'irc'", hint: "known channels: telegram, matrix, signal, whatsapp, webchat" } });
  });

  test.each([
    [["telegram:@ann", "matrix:@me:x"], "the first identity 'telegram:@ann' is not a telegram identity: expected a numeric user id"],
    [["telegram:43", "matrix:me"], "the second identity 'matrix:me' is not a matrix identity: expected a Matrix id @user:server"],
    [["signal:15550001111", "telegram:43"], "the first identity 'signal:15550001111' is not a signal identity: expected a phone number in +E.164 form"],
    [["telegram:43", "whatsapp:+15550001111"], "the second identity 'whatsapp:+15550001111' is not a whatsapp identity: expected the phone number in digits, without '+'"],
  ])("a malformed id %p exits 2 saying what the channel expects", async (args, message) => {
    box = new Sandbox();
    const r = await box.run(["identity", "link", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith(`error: identity link: ${message}`);
  });

  test("every channel's well-formed identity links", async () => {
    box = new Sandbox();
    for (const other of ["matrix:@ann:example.org", "signal:+15550001111", "whatsapp:15550001111", "webchat:ann"]) {
      const r = await box.run(["identity", "link", "telegram:43", other]);
      expect(r).toMatchObject({ code: 0, stdout: `linked telegram:43 and ${other}: both are now telegram:43\n` });
    }
  });
});
