// The Matrix plugin against a fake homeserver speaking the client–server API over HTTP:
// matrix-js-sdk does the talking, the fake records what reached the wire.
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FakeHomeserver } from "../fakes/matrix/fake-homeserver.ts";
import { ANN, BOB, BOT, type BotUnderTest, connectBot, homeserverWithBot, until } from "../fakes/matrix/test-bot.ts";

let hs: FakeHomeserver;
const bots: BotUnderTest[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.channel.disconnect();
  await hs?.stop();
});
async function start(opts: { password?: string } = {}) {
  const r = await homeserverWithBot(opts);
  hs = r.hs;
  return r.token;
}
async function bot(config: Record<string, unknown>, stateDir?: string) {
  const b = await connectBot(hs, config, stateDir);
  bots.push(b);
  return b;
}
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

describe("login", () => {
  test("with an access token: connected, old history not answered, new messages arrive", async () => {
    const token = await start();
    const dm = hs.createRoom([ANN, BOT]);
    hs.sendText(dm, ANN, "from before the bot started");
    const b = await bot({ access_token: token });
    expect(b.channel.status()).toEqual({ state: "connected" });
    hs.sendText(dm, ANN, "hello bot");
    const [m] = await b.messages(1);
    expect(m).toMatchObject({ channel: "matrix", chatId: dm, userId: ANN, displayName: "Ann", text: "hello bot", isGroup: false, mentioned: false });
    expect(b.inbox.map((x) => x.text)).toEqual(["hello bot"]);
    expect(hs.rec.requests.some((r) => r.query.includes(token))).toBe(false);
    expect(b.logs.join("\n")).not.toContain(token);
  });

  test("with a password: m.login.password, the device id is kept for the next start", async () => {
    await start({ password: "hunter2-secret" });
    const dm = hs.createRoom([ANN, BOT]);
    const b = await bot({ password: "hunter2-secret" });
    expect(hs.rec.logins).toEqual([{ type: "m.login.password", user: BOT, deviceId: undefined }]);
    hs.sendText(dm, ANN, "hi");
    await b.messages(1);
    await b.channel.disconnect();
    const again = await bot({ password: "hunter2-secret" }, b.stateDir);
    const firstDevice = JSON.parse(readFileSync(join(b.stateDir, "matrix-state.json"), "utf8")).device_id;
    expect(hs.rec.logins[1]).toEqual({ type: "m.login.password", user: BOT, deviceId: firstDevice });
    expect(again.channel.status().state).toBe("connected");
    expect([...b.logs, ...again.logs].join("\n")).not.toContain("hunter2");
  });

  test("a wrong password or token fails with unauthorized, naming the field, not the value", async () => {
    await start({ password: "right" });
    await expect(connectBot(hs, { password: "wrong-pass-xyz" })).rejects.toThrow("channels.matrix.password: the homeserver rejected it (M_FORBIDDEN)");
    const err = await connectBot(hs, { access_token: "syt_bogus_token" }).catch((e: Error) => e);
    expect(String(err)).toContain("channels.matrix.access_token");
    expect(String(err)).not.toContain("syt_bogus_token");
  });
});

describe("sending", () => {
  test("blocks become escaped formatted_body plus plain body; replyTo is an m.in_reply_to", async () => {
    const b = await bot({ access_token: await start() });
    const dm = hs.createRoom([ANN, BOT]);
    await until("room known", () => hs.rec.syncs.length > 1);
    const { id } = await b.channel.send(dm, {
      text: "**<b>Hi</b>** & `x<y`", format: "markdown", replyTo: "$orig",
      blocks: [{ t: "para", children: [{ t: "bold", children: [{ t: "text", text: "<b>Hi</b>" }] }, { t: "text", text: " & " }, { t: "code", text: "x<y" }] }],
    });
    const sent = hs.rec.sent.find((s) => s.eventId === id);
    expect(sent?.content).toEqual({
      msgtype: "m.text", body: "<b>Hi</b> & x<y", format: "org.matrix.custom.html",
      formatted_body: "<p><strong>&lt;b&gt;Hi&lt;/b&gt;</strong> &amp; <code>x&lt;y</code></p>",
      "m.relates_to": { "m.in_reply_to": { event_id: "$orig" } },
    });
  });

  test("an image attachment is uploaded and sent as m.image; typing reaches the room", async () => {
    const b = await bot({ access_token: await start() });
    const dm = hs.createRoom([ANN, BOT]);
    const { id } = await b.channel.send(dm, { text: "", attachments: [{ kind: "image", mime: "image/png", name: "shot.png", data: PNG }] });
    const sent = hs.rec.sent.find((s) => s.eventId === id);
    expect(sent?.content).toMatchObject({ msgtype: "m.image", body: "shot.png", info: { mimetype: "image/png", size: PNG.length } });
    const mediaId = String(sent?.content.url).split("/").pop() as string;
    expect(hs.state.media.get(mediaId)?.data).toEqual(PNG);
    await b.channel.typing(dm);
    expect(hs.rec.typing).toEqual([{ roomId: dm, userId: BOT, typing: true }]);
  });
});

describe("receiving", () => {
  test("an m.image arrives as an attachment downloaded over authenticated media", async () => {
    const b = await bot({ access_token: await start() });
    const dm = hs.createRoom([ANN, BOT]);
    hs.sendImage(dm, ANN, PNG, "image/png");
    const [m] = await b.messages(1);
    expect(m?.attachments).toEqual([{ kind: "image", mime: "image/png", name: "photo.png", data: PNG }]);
    const dl = hs.rec.requests.find((r) => r.path.includes("/download/"));
    expect(dl?.path).toStartWith("/_matrix/client/v1/media/download/");
    expect(dl?.authorization).toStartWith("Bearer ");
  });

  test("messages reach the router in the order they were sent, an image download included", async () => {
    const b = await bot({ access_token: await start() });
    const dm = hs.createRoom([ANN, BOT]);
    hs.sendImage(dm, ANN, PNG, "image/png");
    hs.sendText(dm, ANN, "what is in that picture?");
    hs.sendText(dm, ANN, "and a third");
    const got = await b.messages(3);
    expect(got.map((m) => m.attachments?.length ? "image" : m.text)).toEqual(["image", "what is in that picture?", "and a third"]);
  });

  test("in a group: isGroup, mentions by name and id, replies to the bot", async () => {
    const b = await bot({ access_token: await start() });
    const room = hs.createRoom([ANN, BOB, BOT]);
    hs.sendText(room, ANN, "chatting among ourselves");
    hs.sendText(room, BOB, "Molt: what's the weather?");
    await b.messages(2);
    const { id } = await b.channel.send(room, { text: "Sunny." });
    hs.sendText(room, ANN, `> <${BOT}> Sunny.\n\nand tomorrow?`, { "m.relates_to": { "m.in_reply_to": { event_id: id } } });
    const [a, m, r] = await b.messages(3);
    expect([a?.isGroup, a?.mentioned, m?.mentioned, m?.text]).toEqual([true, false, true, "what's the weather?"]);
    expect([r?.text, r?.replyTo, r?.replyToBot, r?.mentioned]).toEqual(["and tomorrow?", id, true, false]);
  });

  test("a malformed event is logged and skipped; the next message still arrives", async () => {
    const b = await bot({ access_token: await start() });
    const dm = hs.createRoom([ANN, BOT]);
    hs.state.pushRaw(dm, { type: "m.room.message", content: { msgtype: "m.text", body: 7 }, event_id: "$bad:fake.local", sender: ANN, room_id: dm, origin_server_ts: 1 });
    hs.state.pushRaw(dm, { type: "m.room.message", sender: 12, content: null });
    hs.sendText(dm, ANN, "still here");
    const [m] = await b.messages(1);
    expect(m?.text).toBe("still here");
    expect(b.inbox).toHaveLength(1);
    expect(b.logs.some((l) => l.startsWith("warn matrix: skipped a malformed"))).toBe(true);
  });

  test("an encrypted room gets a plain notice instead of silence (once, not per message)", async () => {
    const b = await bot({ access_token: await start() });
    const room = hs.createRoom([ANN, BOT], { encrypted: true });
    hs.sendEncrypted(room, ANN);
    const notice = await hs.waitSent((s) => s.roomId === room);
    expect(notice.content).toMatchObject({ msgtype: "m.notice" });
    expect(String(notice.content.body)).toContain("can't read end-to-end encrypted messages");
    hs.sendEncrypted(room, ANN);
    hs.sendText(room, ANN, "plain one");
    await b.messages(1);
    expect(hs.rec.sent.filter((s) => s.roomId === room)).toHaveLength(1);
  });
});

describe("buttons", () => {
  test("a message with buttons gets a hint and 👍/👎; reactions and a bare /deny reply are actions", async () => {
    const b = await bot({ access_token: await start() });
    const dm = hs.createRoom([ANN, BOT]);
    const { id } = await b.channel.send(dm, { text: "Approve shell?", buttons: [{ id: "approve:a7", label: "Approve" }, { id: "deny:a7", label: "Deny" }] });
    const own = hs.rec.sent.filter((s) => s.type === "m.reaction").map((s) => [s.content["m.relates_to"] as Record<string, unknown>].map((r) => [r.event_id, r.key])[0]);
    expect(own).toEqual([[id, "👍"], [id, "👎"]]);
    expect(hs.rec.sent[0]?.content.body).toBe("Approve shell?\n\nReact 👍 Approve or 👎 Deny — or reply /approve a7 / /deny a7");
    hs.react(dm, ANN, id, "🎉");
    hs.react(dm, ANN, id, "👍");
    hs.sendText(dm, ANN, "/deny", { "m.relates_to": { "m.in_reply_to": { event_id: id } } });
    const acts = await b.actionsN(2);
    expect(acts).toEqual([
      { channel: "matrix", chatId: dm, userId: ANN, actionId: "approve:a7", messageId: id },
      { channel: "matrix", chatId: dm, userId: ANN, actionId: "deny:a7", messageId: id },
    ]);
    expect(b.inbox).toHaveLength(0);
  });
});

describe("invites", () => {
  test("dm: pairing joins a stranger's DM invite but not a stranger's group invite", async () => {
    const b = await bot({ access_token: await start(), dm: "pairing" });
    const group = hs.createRoom([BOB, ANN]);
    hs.invite(group, BOB, BOT, { isDirect: false });
    const dm = hs.createRoom([ANN]);
    hs.invite(dm, ANN, BOT, { isDirect: true });
    await until("joined the DM", () => hs.rec.joins.some((j) => j.roomId === dm));
    expect(hs.rec.joins.map((j) => j.roomId)).toEqual([dm]);
    hs.sendText(dm, ANN, "hi after join");
    expect((await b.messages(1))[0]?.chatId).toBe(dm);
    expect(b.logs.some((l) => l.includes(`ignored an invite to ${group}`))).toBe(true);
  });

  test("dm: allowlist joins only invites from allow entries", async () => {
    await bot({ access_token: await start(), dm: "allowlist", allow: [ANN] });
    const fromBob = hs.createRoom([BOB]);
    hs.invite(fromBob, BOB, BOT, { isDirect: true });
    const fromAnn = hs.createRoom([ANN]);
    hs.invite(fromAnn, ANN, BOT, { isDirect: true });
    await until("joined Ann's DM", () => hs.rec.joins.some((j) => j.roomId === fromAnn));
    expect(hs.rec.joins.map((j) => j.roomId)).toEqual([fromAnn]);
  });
});

describe("robustness", () => {
  test("a restart resumes from the persisted next_batch: nothing replayed, nothing lost", async () => {
    const token = await start();
    const dm = hs.createRoom([ANN, BOT]);
    const first = await bot({ access_token: token });
    hs.sendText(dm, ANN, "one");
    await first.messages(1);
    await first.channel.disconnect();
    hs.sendText(dm, ANN, "two, while the bot was down");
    const saved = JSON.parse(readFileSync(join(first.stateDir, "matrix-state.json"), "utf8"));
    expect(saved).toMatchObject({ v: 1, account: `${BOT}@${hs.url}` });
    const second = await bot({ access_token: token }, first.stateDir);
    hs.sendText(dm, ANN, "three");
    await second.messages(2);
    expect(second.inbox.map((m) => m.text)).toEqual(["two, while the bot was down", "three"]);
    expect(hs.rec.syncs.filter((s) => s === "")).toHaveLength(1);
  });

  test("an outage shows as connecting, the SDK retries, and messages flow again", async () => {
    const b = await bot({ access_token: await start() });
    const dm = hs.createRoom([ANN, BOT]);
    hs.setDown(true);
    await until("status connecting", () => b.channel.status().state === "connecting", 15_000);
    hs.setDown(false);
    hs.sendText(dm, ANN, "back?");
    await until("status connected", () => b.channel.status().state === "connected", 15_000);
    expect((await b.messages(1))[0]?.text).toBe("back?");
    expect(b.logs).toContain("info matrix: connecting (reconnecting to the homeserver)");
  }, 30_000);

  test("disconnect is idempotent and a stopped channel refuses to send", async () => {
    const b = await bot({ access_token: await start() });
    await b.channel.disconnect();
    await b.channel.disconnect();
    expect(b.channel.status()).toEqual({ state: "stopped" });
    await expect(b.channel.send("!x:fake.local", { text: "hi" })).rejects.toThrow("not connected");
  });
});
