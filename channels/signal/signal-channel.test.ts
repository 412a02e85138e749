// The plugin against a fake signal-cli daemon over real HTTP + SSE.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InboundMessage } from "../../runtime/contracts/channel.ts";
import { MoltFailure } from "../../runtime/contracts/errors.ts";
import { type FakeSignalCli, startFakeSignalCli } from "../../tests/fakes/signal/fake-signal-cli.ts";
import { SignalChannel } from "./signal-channel.ts";

const BOT = "+15550001111";
const ann = { number: "+15550002222", name: "Ann" };
const bob = { number: "+15550003333", name: "Bob" };
const FAST = { initialBackoffMs: 20, maxBackoffMs: 80 };

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

async function setup(o: { eventIds?: boolean; stateDir?: string; fake?: FakeSignalCli; url?: string } = {}) {
  const fake = o.fake ?? (await startFakeSignalCli({ account: BOT, eventIds: o.eventIds ?? false }));
  if (!o.fake) cleanup.push(() => fake.stop());
  const got: InboundMessage[] = [];
  const logs: string[] = [];
  const plugin = new SignalChannel(FAST);
  plugin.onMessage((m) => { got.push(m); });
  const stateDir = o.stateDir ?? mkdtempSync(join(tmpdir(), "sig-ch-"));
  await plugin.connect({ url: o.url ?? fake.url, account: BOT, dm: "pairing", allow: [] }, { stateDir, log: (l, m) => logs.push(`${l}: ${m}`) });
  cleanup.push(() => plugin.disconnect());
  const nth = (n: number) => fake.waitFor(() => got[n], `inbound message #${n + 1}`);
  return { fake, plugin, got, logs, stateDir, nth };
}

describe("SignalChannel against a signal-cli daemon", () => {
  test("a direct message arrives; the answer goes back styled, and its id can be quoted", async () => {
    const { fake, plugin, nth } = await setup();
    expect(plugin.status().state).toBe("connected");
    const id = fake.dm(ann, "hello bot");
    const m = await nth(0);
    expect(m).toMatchObject({ channel: "signal", chatId: ann.number, userId: ann.number, id, text: "hello bot", isGroup: false, displayName: "Ann" });
    const sent = await plugin.send(m.chatId, { text: "**Hi** Ann", format: "markdown", blocks: [{ t: "para", children: [{ t: "bold", children: [{ t: "text", text: "Hi" }] }, { t: "text", text: " Ann" }] }], replyTo: id });
    expect(fake.sent[0]).toMatchObject({ chatId: ann.number, message: "Hi Ann", textStyles: ["0:2:BOLD"], quoteAuthor: ann.number, quoteTimestamp: Number(id.split(":")[1]) });
    expect(sent.id).toBe(fake.sent[0]!.id);
  });

  test("in a group: a mention and a quote of the bot's message are flagged; other chatter is not", async () => {
    const { fake, plugin, nth } = await setup();
    fake.group(ann, "R3JvdXBJZA==", "what's up?", { mentionBot: true });
    expect(await nth(0)).toMatchObject({ chatId: "group:R3JvdXBJZA==", isGroup: true, mentioned: true, text: "what's up?" });
    const { id } = await plugin.send("group:R3JvdXBJZA==", { text: "all good" });
    expect(fake.sent[0]!.chatId).toBe("group:R3JvdXBJZA==");
    fake.reply(bob, id, "really?", { groupId: "R3JvdXBJZA==" });
    expect(await nth(1)).toMatchObject({ userId: bob.number, replyToBot: true, replyTo: id, mentioned: false });
    fake.group(bob, "R3JvdXBJZA==", "lunch?");
    expect(await nth(2)).toMatchObject({ mentioned: false, text: "lunch?" });
    expect((await nth(2)).replyToBot).toBeUndefined();
  });

  test("an image comes in as bytes; an image goes out as a data URI signal-cli accepts", async () => {
    const { fake, plugin, nth } = await setup();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    fake.image(ann, png, "image/png", "what is this?");
    const m = await nth(0);
    expect(m.text).toBe("what is this?");
    expect(m.attachments?.[0]).toMatchObject({ kind: "image", mime: "image/png", name: "photo.png" });
    expect([...(m.attachments?.[0]?.data ?? [])]).toEqual([...png]);
    expect(fake.calls.find((c) => c.method === "getAttachment")?.params).toMatchObject({ recipient: ann.number });
    await plugin.send(ann.number, { text: "", attachments: [{ kind: "image", mime: "image/png", data: png, name: "screenshot.png" }] });
    const uri = fake.sent[0]!.attachments[0]!;
    expect(uri.startsWith("data:image/png;filename=screenshot.png;base64,")).toBe(true);
    expect([...Buffer.from(uri.split(",")[1]!, "base64")]).toEqual([...png]);
  });

  test("typing goes to the person or the group", async () => {
    const { fake, plugin } = await setup();
    await plugin.typing(ann.number);
    await plugin.typing("group:R3JvdXBJZA==");
    expect(fake.typing).toEqual([{ account: BOT, recipient: [ann.number] }, { account: BOT, groupId: "R3JvdXBJZA==" }]);
  });

  test("a redelivered envelope is handed over once; malformed events are skipped with a log line", async () => {
    const { fake, got, logs, nth } = await setup();
    const id = fake.dm(ann, "once");
    await nth(0);
    fake.redeliver(id);
    fake.raw("{not json");
    fake.raw(JSON.stringify({ account: BOT, envelope: { source: ann.number, timestamp: "yesterday", dataMessage: { message: "x" } } }));
    fake.receipt(ann);
    fake.dm(ann, "twice?");
    expect((await nth(1)).text).toBe("twice?");
    expect(got.map((m) => m.text)).toEqual(["once", "twice?"]);
    expect(logs.filter((l) => l.includes("malformed")).length).toBe(2);
  });

  test("after a restart, envelopes the daemon replays are dropped and new ones still arrive", async () => {
    const fake = await startFakeSignalCli({ account: BOT, eventIds: true });
    cleanup.push(() => fake.stop());
    const first = await setup({ fake });
    fake.dm(ann, "before restart");
    await first.nth(0);
    await first.plugin.disconnect();
    fake.dm(bob, "while we were down");
    const second = await setup({ fake, stateDir: first.stateDir });
    // We resumed from our last event id: the missed message comes, the handled one does not.
    expect((await second.nth(0)).text).toBe("while we were down");
    expect(fake.eventConnects.at(-1)?.get("last-event-id")).toBe("1");
    await second.plugin.disconnect();
    // A restarted daemon does not know our event id and replays everything: nothing twice.
    fake.restart();
    const third = await setup({ fake, stateDir: first.stateDir });
    fake.dm(ann, "after");
    expect((await third.nth(0)).text).toBe("after");
    expect(third.got.map((m) => m.text)).toEqual(["after"]);
    expect(fake.eventConnects.at(-1)?.get("last-event-id")).toBe("2");
  });

  test("a dropped or refused event stream is reconnected with backoff", async () => {
    const { fake, plugin, nth, logs } = await setup();
    fake.refuseStreams(2);
    fake.dropStreams();
    await fake.waitFor(() => (plugin.status().state === "connecting" ? true : undefined), "status connecting");
    await fake.waitFor(() => (fake.openStreams() === 1 && plugin.status().state === "connected" ? true : undefined), "a new stream");
    fake.dm(ann, "still there?");
    expect((await nth(0)).text).toBe("still there?");
    expect(fake.eventConnects.length).toBe(4);
    expect(logs.filter((l) => l.includes("reconnecting in")).length).toBe(3);
  });

  test("a daemon that is not up yet is waited for, not a failed channel", async () => {
    const probe = await startFakeSignalCli({ account: BOT });
    const port = Number(new URL(probe.url).port);
    await probe.stop();
    const fake = await startFakeSignalCli({ account: BOT });
    cleanup.push(() => fake.stop());
    const { plugin } = await setup({ fake, url: `http://127.0.0.1:${port}` });
    expect(plugin.status()).toMatchObject({ state: "connecting" });
    const late = await startFakeSignalCli({ account: BOT, port });
    cleanup.push(() => late.stop());
    await late.waitFor(() => (plugin.status().state === "connected" ? true : undefined), "connected");
    await plugin.send(ann.number, { text: "up" });
    expect(late.sent[0]!.message).toBe("up");
  });

  test("a rate limit is waited out and retried; one that persists fails as rate_limited", async () => {
    const { fake, plugin } = await setup();
    fake.faults.next.push({ method: "send", code: -5, message: "Rate limit exceeded", retryAfterSeconds: 0 });
    await plugin.send(ann.number, { text: "eventually" });
    expect(fake.calls.filter((c) => c.method === "send").length).toBe(2);
    expect(fake.sent.map((s) => s.message)).toEqual(["eventually"]);
    for (let i = 0; i < 3; i++) fake.faults.next.push({ method: "send", code: -5, message: "Rate limit exceeded", retryAfterSeconds: 0 });
    const err = await plugin.send(ann.number, { text: "never" }).catch((e) => e);
    expect(err).toBeInstanceOf(MoltFailure);
    expect((err as MoltFailure).error.code).toBe("rate_limited");
  });

  test("signal-cli errors become channel_error lines without the message text", async () => {
    const { fake, plugin } = await setup();
    fake.faults.next.push({ method: "send", code: -4, message: "Untrusted identity for +15550002222" });
    const err = (await plugin.send(ann.number, { text: "secret plans" }).catch((e) => e)) as MoltFailure;
    expect(err.error.code).toBe("channel_error");
    expect(err.error.hint).toContain("safety number");
    expect(err.message).not.toContain("secret plans");
  });

  test("config: bad values are invalid_config; credentials in the URL go in a header, never in logs", async () => {
    const plugin = new SignalChannel(FAST);
    const ctx = { stateDir: mkdtempSync(join(tmpdir(), "sig-cfg-")), log: () => {} };
    for (const bad of [{ url: "ftp://x", account: BOT }, { url: "http://127.0.0.1:1", account: "bob" }, { account: BOT, url: 5 }]) {
      const e = (await plugin.connect(bad, ctx).catch((x) => x)) as MoltFailure;
      expect(e.error.code).toBe("invalid_config");
    }
    const fake = await startFakeSignalCli({ account: BOT });
    cleanup.push(() => fake.stop());
    const { logs } = await setup({ fake, url: fake.url.replace("http://", "http://molt:hunter2@") });
    expect(fake.eventConnects[0]?.get("authorization")).toBe(`Basic ${btoa("molt:hunter2")}`);
    fake.dropStreams();
    await fake.waitFor(() => (fake.eventConnects.length === 2 ? true : undefined), "a reconnect");
    expect(logs.join("\n")).not.toContain("hunter2");
  });

  test("disconnect is idempotent and stops everything", async () => {
    const { fake, plugin } = await setup();
    await plugin.disconnect();
    await plugin.disconnect();
    expect(plugin.status().state).toBe("stopped");
    await fake.waitFor(() => (fake.openStreams() === 0 ? true : undefined), "the stream closed at the daemon");
    const e = (await plugin.send(ann.number, { text: "x" }).catch((x) => x)) as MoltFailure;
    expect(e.error.code).toBe("channel_error");
  });
});
