// Sends through a short platform outage, Telegram and Signal, over real sockets: the fake Bot API
// or signal-cli stops (connections refused) while the model writes and comes back on the same
// port; the user must get the whole answer exactly once and in order. A 4xx (or a 500, which may
// have been delivered) is not repeated; an outage longer than the retry window ends in one clear
// error, and the channel answers again once the platform is back.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChannelPlugin } from "../../runtime/contracts/channel.ts";
import { SignalChannel } from "../../channels/signal/index.ts";
import { TelegramChannel } from "../../channels/telegram/index.ts";
import { type FakeSignalCli, startFakeSignalCli } from "../fakes/signal/fake-signal-cli.ts";
import { parseTelegramHtml, startFakeTelegram, textDm, user, type FakeTelegram } from "../fakes/telegram/index.ts";
import { startChannelStack, type ChannelStack } from "../helpers/channel-stack.ts";

const ann = user(42, "Ann");
const BOT = "+15550001111";
const sig = { number: "+15550002222", name: "Ann" };
const OUTAGE_MS = 1500;
const SHORT_WINDOW = { windowMs: 1500, initialMs: 200, maxMs: 400 };

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** `n` paragraphs of about `size` characters, each starting with its marker `PartN`. */
const story = (n: number, size: number) => Array.from({ length: n }, (_, i) => `Part${i + 1} ${"lorem ipsum dolor sit amet ".repeat(Math.ceil(size / 27)).trim()}`).join("\n\n");

/** Every paragraph exactly once and in order, across the pieces the user got, and no word lost or repeated. */
function expectWholeStory(pieces: string[], text: string, n: number): void {
  const all = pieces.join("\n");
  const at = Array.from({ length: n }, (_, i) => all.indexOf(`Part${i + 1} `));
  for (let i = 0; i < n; i++) expect(all.split(`Part${i + 1} `)).toHaveLength(2);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
  expect(all.match(/lorem/g)?.length).toBe(text.match(/lorem/g)?.length);
}

/** The plugin's own log lines, and each send's failure as the router logs it. */
function observed<P extends ChannelPlugin>(plugin: P): P & { logs: string[] } {
  const logs: string[] = [];
  const connect = plugin.connect.bind(plugin);
  const send = plugin.send.bind(plugin);
  plugin.connect = (config, ctx) => connect(config, { ...ctx, log: (l, m) => { logs.push(`${l}: ${m}`); ctx.log(l, m); } });
  plugin.send = async (chatId, m) => {
    try {
      return await send(chatId, m);
    } catch (err) {
      logs.push(`error: send failed: ${(err as Error).message}`);
      throw err;
    }
  };
  return Object.assign(plugin, { logs });
}

async function until(what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

const chatRequests = (s: ChannelStack) => s.model.requests.filter((r) => r.path === "/api/chat");
const visible = (text = "") => { const r = parseTelegramHtml(text); return r.ok ? r.text : text; };

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "moltbot-outage-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ── Telegram ────────────────────────────────────────────────────────────────────────────────

async function telegramStack(script: Parameters<typeof startChannelStack>[0]["script"], opts: ConstructorParameters<typeof TelegramChannel>[0] = {}) {
  const f = await startFakeTelegram();
  cleanup.push(() => f.stop());
  const plugin = observed(new TelegramChannel({ pollTimeoutSeconds: 5, backoff: { initialMs: 50, maxMs: 200 }, ...opts }));
  const s = await startChannelStack({ script, channels: [{ plugin, config: { token: f.token, api_root: f.url, dm: "allowlist", allow: ["42"] } }] });
  cleanup.push(() => s.stop());
  return { s, f, plugin };
}

async function telegramPlugin(opts: ConstructorParameters<typeof TelegramChannel>[0] = {}): Promise<{ f: FakeTelegram; plugin: TelegramChannel & { logs: string[] } }> {
  const f = await startFakeTelegram();
  cleanup.push(() => f.stop());
  const plugin = observed(new TelegramChannel({ pollTimeoutSeconds: 1, backoff: { initialMs: 50, maxMs: 200 }, ...opts }));
  await plugin.connect({ token: f.token, api_root: f.url }, { stateDir: tempDir(), log: () => {} });
  cleanup.push(() => plugin.disconnect());
  return { f, plugin };
}

const sendCalls = (f: FakeTelegram) => f.calls.filter((c) => c.method === "sendMessage");

describe("telegram: sends through an outage", () => {
  test("the Bot API down for 1.5 s while the model writes: the whole answer arrives once, in order", async () => {
    const text = story(3, 3000);
    const { s, f, plugin } = await telegramStack([{ text, chunks: 6, delayMs: 50 }]);
    f.inject(textDm(ann, "tell me a long story"));
    await until("the model request", () => chatRequests(s).length > 0);
    f.pause();
    const down = Date.now();
    setTimeout(() => f.resume(), OUTAGE_MS);
    await s.router.idle();
    const pieces = f.sent(42).map((m) => visible(m.text));
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expectWholeStory(pieces, text, 3);
    expect(sendCalls(f)).toHaveLength(pieces.length);
    expect(Date.now() - down).toBeGreaterThanOrEqual(OUTAGE_MS);
    expect(plugin.logs.some((l) => /warn: .*sendMessage: Bot API unreachable \(ECONNREFUSED\); retrying in \d+ ms/.test(l))).toBe(true);
    expect(plugin.logs.join("\n")).not.toContain("send failed");
  }, 20_000);

  test("a send waiting out the outage is not overtaken by the next one to the same chat", async () => {
    const { f, plugin } = await telegramPlugin();
    f.pause();
    const first = plugin.send("42", { text: "first" });
    await until("the refused attempt", () => plugin.logs.some((l) => l.includes("retrying in")));
    f.resume();
    const second = plugin.send("42", { text: "second" });
    await Promise.all([first, second]);
    expect(f.sent(42).map((m) => m.text)).toEqual(["first", "second"]);
  }, 10_000);

  test("a 502 from the gateway is repeated; the message arrives once", async () => {
    const { f, plugin } = await telegramPlugin();
    f.failNext(2, 502, "Bad Gateway", ["sendMessage"]);
    await plugin.send("42", { text: "through the gateway" });
    expect(sendCalls(f)).toHaveLength(3);
    expect(f.sent(42).map((m) => m.text)).toEqual(["through the gateway"]);
  }, 10_000);

  test.each([
    [403, "Forbidden: bot was blocked by the user"],
    [400, "Bad Request: chat not found"],
    [500, "Internal Server Error"],
  ])("a %i is not repeated: one request, the error at once", async (code, description) => {
    const { f, plugin } = await telegramPlugin();
    f.failNext(1, code, description, ["sendMessage"]);
    const started = Date.now();
    const err = await plugin.send("42", { text: "hello" }).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toContain(description);
    expect(Date.now() - started).toBeLessThan(400);
    expect(sendCalls(f)).toHaveLength(1);
    expect(f.sent(42)).toHaveLength(0);
    expect(plugin.logs.join("\n")).not.toContain("retrying");
  });

  test("an outage longer than the retry window: one clear error logged, then answers again once it is back", async () => {
    const { s, f, plugin } = await telegramStack([{ text: "lost to the outage", chunks: 2, delayMs: 150 }, { text: "back again" }], { sendRetry: SHORT_WINDOW });
    f.inject(textDm(ann, "are you there?"));
    await until("the model request", () => chatRequests(s).length > 0);
    f.pause();
    await until("the give-up", () => plugin.logs.some((l) => l.includes("send failed")), 10_000);
    await s.router.idle();
    const failed = plugin.logs.filter((l) => l.includes("send failed"));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/telegram send: the Bot API was unreachable for [12] s \(sendMessage: ECONNREFUSED\); gave up, the message was not sent/);
    expect(failed[0]).not.toContain(f.token.split(":")[1] as string);
    expect(plugin.logs.filter((l) => l.includes("retrying in")).length).toBeGreaterThanOrEqual(2);

    f.resume();
    f.inject(textDm(ann, "and now?"));
    await f.waitSent((m) => m.text === "back again");
    expect(f.sent(42).map((m) => m.text)).toEqual(["back again"]);
  }, 20_000);
});

// ── Signal ──────────────────────────────────────────────────────────────────────────────────

async function signalStack(script: Parameters<typeof startChannelStack>[0]["script"], opts: ConstructorParameters<typeof SignalChannel>[0] = {}) {
  const fake = await startFakeSignalCli({ account: BOT });
  cleanup.push(() => fake.stop());
  const plugin = observed(new SignalChannel({ initialBackoffMs: 20, maxBackoffMs: 100, ...opts }));
  const s = await startChannelStack({ script, channels: [{ plugin, config: { url: fake.url, account: BOT, dm: "allowlist", allow: [sig.number] } }] });
  cleanup.push(() => s.stop());
  return { s, fake, plugin };
}

async function signalPlugin(): Promise<{ fake: FakeSignalCli; plugin: SignalChannel & { logs: string[] } }> {
  const fake = await startFakeSignalCli({ account: BOT });
  cleanup.push(() => fake.stop());
  const plugin = observed(new SignalChannel({ initialBackoffMs: 20, maxBackoffMs: 100 }));
  await plugin.connect({ url: fake.url, account: BOT }, { stateDir: tempDir(), log: () => {} });
  cleanup.push(() => plugin.disconnect());
  return { fake, plugin };
}

const signalSends = (f: FakeSignalCli) => f.calls.filter((c) => c.method === "send");

describe("signal: sends through an outage", () => {
  test("signal-cli restarted on the same port while the model writes: the whole answer arrives once, in order", async () => {
    const text = story(3, 1500);
    const { s, fake, plugin } = await signalStack([{ text, chunks: 6, delayMs: 50 }]);
    fake.dm(sig, "tell me a long story");
    await until("the model request", () => chatRequests(s).length > 0);
    fake.pause();
    const down = Date.now();
    setTimeout(() => fake.resume(), OUTAGE_MS);
    await s.router.idle();
    const pieces = fake.sent.filter((m) => m.chatId === sig.number).map((m) => m.message);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expectWholeStory(pieces, text, 3);
    expect(signalSends(fake)).toHaveLength(pieces.length);
    expect(Date.now() - down).toBeGreaterThanOrEqual(OUTAGE_MS);
    expect(plugin.logs.some((l) => /warn: send: signal-cli unreachable \(ECONNREFUSED\); retrying in \d+ ms/.test(l))).toBe(true);
    expect(plugin.logs.join("\n")).not.toContain("send failed");
  }, 20_000);

  test("a send waiting out the restart is not overtaken by the next one to the same chat", async () => {
    const { fake, plugin } = await signalPlugin();
    fake.pause();
    const first = plugin.send(sig.number, { text: "first" });
    await until("the refused attempt", () => plugin.logs.some((l) => l.includes("retrying in")));
    fake.resume();
    const second = plugin.send(sig.number, { text: "second" });
    await Promise.all([first, second]);
    expect(fake.sent.map((m) => m.message)).toEqual(["first", "second"]);
  }, 10_000);

  test("a proxy's 502 and 503 are repeated; the message arrives once", async () => {
    const { fake, plugin } = await signalPlugin();
    fake.faults.http = [{ method: "send", status: 502 }, { method: "send", status: 503 }];
    await plugin.send(sig.number, { text: "through the proxy" });
    expect(signalSends(fake)).toHaveLength(3);
    expect(fake.sent.map((m) => m.message)).toEqual(["through the proxy"]);
  }, 10_000);

  test.each([
    ["HTTP 403", { http: 403 }, "answered HTTP 403"],
    ["HTTP 500", { http: 500 }, "answered HTTP 500"],
    ["a JSON-RPC user error", { rpc: -1 }, "Unregistered user"],
  ])("%s is not repeated: one request, the error at once", async (_name, fault, message) => {
    const { fake, plugin } = await signalPlugin();
    if ("http" in fault) fake.faults.http = [{ method: "send", status: fault.http as number }];
    else fake.faults.next.push({ method: "send", code: fault.rpc as number, message: "Unregistered user" });
    const started = Date.now();
    const err = await plugin.send(sig.number, { text: "hello" }).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toContain(message);
    expect(Date.now() - started).toBeLessThan(400);
    expect(signalSends(fake)).toHaveLength(1);
    expect(fake.sent).toHaveLength(0);
    expect(plugin.logs.join("\n")).not.toContain("retrying");
  });

  test("an outage longer than the retry window: one clear error logged, then answers again once it is back", async () => {
    const { s, fake, plugin } = await signalStack([{ text: "lost to the outage", chunks: 2, delayMs: 150 }, { text: "back again" }], { rpc: { outage: SHORT_WINDOW } });
    fake.dm(sig, "are you there?");
    await until("the model request", () => chatRequests(s).length > 0);
    fake.pause();
    await until("the give-up", () => plugin.logs.some((l) => l.includes("send failed")), 10_000);
    await s.router.idle();
    const failed = plugin.logs.filter((l) => l.includes("send failed"));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/signal: signal-cli at http:\/\/127\.0\.0\.1:\d+ was unreachable for [12] s \(send: ECONNREFUSED\); gave up, the message was not sent/);
    expect(plugin.logs.filter((l) => l.includes("retrying in")).length).toBeGreaterThanOrEqual(2);

    fake.resume();
    await until("the event stream to reconnect", () => fake.openStreams() > 0);
    fake.dm(sig, "and now?");
    await fake.waitSent((m) => m.message === "back again", 10_000);
    expect(fake.sent.map((m) => m.message)).toEqual(["back again"]);
  }, 20_000);
});
