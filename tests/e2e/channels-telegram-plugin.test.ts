// The Telegram plugin against the fake Bot API server over real HTTP: grammy pointed at it via
// `api_root`. What a Telegram user (or an operator reading the logs) would notice.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InboundAction, InboundMessage } from "../../runtime/contracts/channel.ts";
import { TelegramChannel } from "../../channels/telegram/index.ts";
import { callbackQuery, groupText, parseTelegramHtml, photo, reply, startFakeTelegram, textDm, user, type FakeTelegram } from "../fakes/telegram/index.ts";

const ann = user(42, "Ann", "ann");
const bob = user(43, "Bob");
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

interface Harness { fake: FakeTelegram; plugin: TelegramChannel; stateDir: string; logs: string[]; inbox: InboundMessage[]; actions: InboundAction[]; next(n?: number): Promise<InboundMessage>; nextAction(): Promise<InboundAction> }

async function start(opts: { fake?: FakeTelegram; stateDir?: string; config?: Record<string, unknown>; retryWindowMs?: number } = {}): Promise<Harness> {
  const fake = opts.fake ?? (await startFakeTelegram());
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), "tg-state-"));
  const logs: string[] = [];
  const inbox: InboundMessage[] = [];
  const actions: InboundAction[] = [];
  let wake = () => {};
  const plugin = new TelegramChannel({ pollTimeoutSeconds: 5, backoff: { initialMs: 20, maxMs: 100 }, ...(opts.retryWindowMs !== undefined ? { sendRetry: { windowMs: opts.retryWindowMs } } : {}) });
  plugin.onMessage((m) => void (inbox.push(m), wake()));
  plugin.onAction((a) => void (actions.push(a), wake()));
  await plugin.connect({ token: fake.token, api_root: fake.url, ...opts.config }, { stateDir, log: (l, m) => logs.push(`${l}: ${m}`) });
  cleanup.push(async () => { await plugin.disconnect(); if (!opts.fake) await fake.stop(); if (!opts.stateDir) rmSync(stateDir, { recursive: true, force: true }); });
  const waitFor = <T>(list: T[], n: number) => new Promise<T>((resolve) => {
    const check = () => { if (list.length >= n) resolve(list[n - 1] as T); };
    const prev = wake;
    wake = () => { prev(); check(); };
    check();
  });
  return { fake, plugin, stateDir, logs, inbox, actions, next: (n = inbox.length + 1) => waitFor(inbox, n), nextAction: () => waitFor(actions, actions.length + 1) };
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await Bun.sleep(5);
}

describe("inbound", () => {
  test("a DM arrives with chat, sender, dedup id and display name", async () => {
    const h = await start();
    h.fake.inject(textDm(ann, "hello there"));
    const m = await h.next();
    expect(m).toMatchObject({ channel: "telegram", chatId: "42", userId: "42", text: "hello there", isGroup: false, mentioned: false, displayName: "Ann" });
    expect(m.id).toMatch(/^42:\d+$/);
    expect(h.plugin.status().state).toBe("connected");
  });

  test("group: mention of the bot's @username sets mentioned and is cut from the text; others are not", async () => {
    const h = await start();
    h.fake.inject(groupText(-100, ann, "what time is it?", { mention: h.fake.bot.username }));
    h.fake.inject(groupText(-100, ann, "talking to @someone_else", { extra: { entities: [{ type: "mention", offset: 11, length: 13 }] } }));
    h.fake.inject(groupText(-100, bob, "hey you", { extra: { entities: [{ type: "text_mention", offset: 4, length: 3, user: { id: h.fake.bot.id, is_bot: true, first_name: "Molt" } }] } }));
    const [a, b, c] = [await h.next(1), await h.next(2), await h.next(3)];
    expect(a).toMatchObject({ chatId: "-100", isGroup: true, mentioned: true, text: "what time is it?" });
    expect(b).toMatchObject({ mentioned: false, text: "talking to @someone_else" });
    expect(c).toMatchObject({ mentioned: true, userId: "43" });
  });

  test("a reply to the bot's own message sets replyToBot; a reply to someone else does not", async () => {
    const h = await start();
    await h.plugin.send("-100", { text: "I am the bot" });
    const botMsg = h.fake.sent(-100)[0] as unknown as Record<string, unknown>;
    h.fake.inject(reply(-100, ann, "and then?", botMsg));
    h.fake.inject(reply(-100, ann, "me too", { message_id: 1, chat: { id: -100, type: "supergroup" }, from: bob, date: 1, text: "x" }));
    const [a, b] = [await h.next(1), await h.next(2)];
    expect(a).toMatchObject({ replyToBot: true, replyTo: `-100:${botMsg.message_id}`, mentioned: false });
    expect(b.replyToBot).toBeUndefined();
  });

  test("an inbound photo is downloaded (getFile + file path) as image bytes, caption as text", async () => {
    const h = await start();
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3, 4, 5]);
    h.fake.inject(photo(ann, h.fake.addFile(bytes), "what is this?"));
    const m = await h.next();
    expect(m.text).toBe("what is this?");
    expect(m.attachments?.[0]).toMatchObject({ kind: "image", mime: "image/jpeg" });
    expect([...(m.attachments?.[0]?.data ?? [])]).toEqual([...bytes]);
  });

  test("malformed updates are skipped with a log line; the next good one still arrives", async () => {
    const h = await start();
    h.fake.inject({ message: { message_id: "x", chat: null } });
    h.fake.inject({ callback_query: { id: 5 } });
    h.fake.inject({ message: "nope" });
    h.fake.inject(textDm(ann, "still here"));
    expect((await h.next()).text).toBe("still here");
    expect(h.inbox).toHaveLength(1);
    expect(h.logs.filter((l) => l.includes("skipped malformed update"))).toHaveLength(3);
  });
});

describe("outbound", () => {
  test("blocks render as Telegram HTML that Telegram accepts, with & < > escaped and code kept verbatim", async () => {
    const h = await start();
    await h.plugin.send("42", {
      text: "(markdown)", format: "markdown",
      blocks: [
        { t: "heading", level: 2, children: [{ t: "text", text: "Results <1> & more" }] },
        { t: "para", children: [{ t: "bold", children: [{ t: "text", text: "a<b" }] }, { t: "text", text: " then " }, { t: "italic", children: [{ t: "text", text: "x & y" }] }, { t: "text", text: " " }, { t: "strike", children: [{ t: "text", text: "old" }] }, { t: "text", text: " " }, { t: "code", text: "if (a < b && c > d)" }, { t: "text", text: " " }, { t: "link", href: "https://example.org/?a=1&b=\"2\"", children: [{ t: "text", text: "link" }] }] },
        { t: "code_block", lang: "ts", text: "const x = a < b && c > d;\n// <b>not bold</b>" },
        { t: "list", ordered: false, items: [[{ t: "text", text: "one" }], [{ t: "text", text: "two" }]] },
        { t: "list", ordered: true, items: [[{ t: "text", text: "first" }]] },
      ],
    });
    const m = h.fake.sent(42)[0];
    const call = h.fake.calls.find((c) => c.method === "sendMessage");
    expect(call?.params.parse_mode).toBe("HTML");
    expect(m?.text).toContain("<b>Results &lt;1&gt; &amp; more</b>");
    expect(m?.text).toContain("<b>a&lt;b</b> then <i>x &amp; y</i> <s>old</s> <code>if (a &lt; b &amp;&amp; c &gt; d)</code>");
    expect(m?.text).toContain('<a href="https://example.org/?a=1&amp;b=&quot;2&quot;">link</a>');
    expect(m?.text).toContain('<pre><code class="language-ts">const x = a &lt; b &amp;&amp; c &gt; d;\n// &lt;b&gt;not bold&lt;/b&gt;</code></pre>');
    expect(m?.text).toContain("• one\n• two");
    expect(m?.text).toContain("1. first");
    const visible = parseTelegramHtml(m?.text ?? "");
    expect(visible.ok && visible.text).toContain("// <b>not bold</b>");
  });

  test("an over-long message never exceeds 4096 visible characters; a long code block stays code", async () => {
    const h = await start();
    const code = Array.from({ length: 400 }, (_, i) => `line ${i} <&> ${"x".repeat(10)}`).join("\n"); // ~10k chars
    await h.plugin.send("42", { text: "x", format: "markdown", blocks: [{ t: "code_block", text: code }] });
    await h.plugin.send("42", { text: "y".repeat(5000) });
    const sent = h.fake.sent(42);
    expect(sent.length).toBeGreaterThanOrEqual(5);
    for (const m of sent) {
      const r = parseTelegramHtml(m.parse_mode === "HTML" ? (m.text ?? "") : "");
      expect(r.ok).toBe(true);
      expect(m.parse_mode === "HTML" ? (r.ok ? r.text.length : 0) : (m.text ?? "").length).toBeLessThanOrEqual(4096);
    }
    const htmlParts = sent.filter((m) => m.parse_mode === "HTML");
    expect(htmlParts.every((m) => m.text?.startsWith("<pre>") && m.text.endsWith("</pre>"))).toBe(true);
    expect(htmlParts.map((m) => parseTelegramHtml(m.text ?? "")).map((r) => (r.ok ? r.text : "")).join("\n")).toBe(code);
  });

  test("buttons become an inline keyboard; a press arrives as an InboundAction and is answered", async () => {
    const h = await start();
    const longId = `approve:${"z".repeat(80)}`;
    const { id } = await h.plugin.send("42", { text: "Approve?", buttons: [{ id: "approve:ap-1", label: "Approve" }, { id: longId, label: "Deny" }] });
    const m = h.fake.sent(42)[0];
    expect(id).toBe(`42:${m?.message_id}`);
    const kb = (m?.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard[0] ?? [];
    expect(kb.map((b) => b.text)).toEqual(["Approve", "Deny"]);
    expect(kb[0]?.callback_data).toBe("approve:ap-1");
    expect(new TextEncoder().encode(kb[1]?.callback_data).length).toBeLessThanOrEqual(64);
    const msg = m as unknown as Record<string, unknown>;
    h.fake.inject(callbackQuery(ann, msg, kb[0]?.callback_data ?? ""));
    expect(await h.nextAction()).toEqual({ channel: "telegram", chatId: "42", userId: "42", actionId: "approve:ap-1", messageId: id });
    h.fake.inject(callbackQuery(ann, msg, kb[1]?.callback_data ?? ""));
    expect((await h.nextAction()).actionId).toBe(longId);
    await h.fake.waitCall("answerCallbackQuery", () => h.fake.state.answeredCallbacks.length === 2);
  });

  test("an image attachment goes out as sendPhoto with the bytes; typing and edit work", async () => {
    const h = await start();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9, 9]);
    await h.plugin.send("42", { text: "", attachments: [{ kind: "image", mime: "image/png", name: "shot.png", data: png }] });
    const p = h.fake.sent(42)[0];
    expect(p?.photo).toBeDefined();
    expect([...(p?.photoBytes ?? [])]).toEqual([...png]);
    await h.plugin.typing("42");
    expect(h.fake.state.chatActions).toContainEqual({ chat_id: 42, action: "typing" });
    const { id } = await h.plugin.send("42", { text: "working…" });
    await h.plugin.edit("42", id, { text: "done", format: "markdown", blocks: [{ t: "para", children: [{ t: "bold", children: [{ t: "text", text: "done" }] }] }] });
    expect(h.fake.sent(42)[1]).toMatchObject({ text: "<b>done</b>", edited: true });
  });

  test("a 429 is waited out for retry_after seconds and the message still goes out once", async () => {
    const h = await start();
    h.fake.rateLimitNext(1, 1);
    const t0 = Date.now();
    await h.plugin.send("42", { text: "after the limit" });
    const waited = Date.now() - t0;
    expect(h.fake.calls.filter((c) => c.method === "sendMessage")).toHaveLength(2);
    expect(h.fake.sent(42).map((m) => m.text)).toEqual(["after the limit"]);
    expect(waited).toBeGreaterThanOrEqual(900); // retry_after is honoured, not ignored
    expect(h.logs.some((l) => l.includes("rate limited on sendMessage"))).toBe(true);
  });
});

describe("robustness", () => {
  test("a restart resumes after the persisted offset: nothing replayed, nothing sent while down lost", async () => {
    const fake = await startFakeTelegram();
    const stateDir = mkdtempSync(join(tmpdir(), "tg-state-"));
    cleanup.push(async () => { await fake.stop(); rmSync(stateDir, { recursive: true, force: true }); });
    const first = await start({ fake, stateDir });
    fake.inject(textDm(ann, "one"));
    fake.inject(textDm(ann, "two"));
    await first.next(2);
    const lastId = fake.inject(textDm(ann, "three"));
    await first.next(3);
    await first.plugin.disconnect();
    expect(JSON.parse(readFileSync(join(stateDir, "telegram-state.json"), "utf8"))).toEqual({ v: 1, bot_id: fake.bot.id, last_update_id: lastId });
    fake.inject(textDm(ann, "while down"));
    fake.forgetConfirmations(); // as if Telegram never got the last confirmation: it would resend 1-3

    const callsBefore = fake.calls.length;
    const second = await start({ fake, stateDir });
    expect((await second.next()).text).toBe("while down");
    fake.inject(textDm(ann, "after"));
    expect((await second.next(2)).text).toBe("after");
    expect(second.inbox.map((m) => m.text)).toEqual(["while down", "after"]);
    expect(fake.calls.slice(callsBefore).find((c) => c.method === "getUpdates")?.params.offset).toBe(lastId + 1);
  });

  test("network loss: reconnects with backoff and then delivers what arrived meanwhile", async () => {
    const h = await start();
    h.fake.pause();
    await until(() => h.logs.filter((l) => l.includes("getUpdates failed; retrying in")).length >= 2);
    expect(h.plugin.status().state).toBe("connecting");
    h.fake.resume();
    h.fake.inject(textDm(ann, "back online"));
    expect((await h.next()).text).toBe("back online");
    expect(h.plugin.status().state).toBe("connected");
    const warnings = h.logs.filter((l) => l.includes("getUpdates failed; retrying in"));
    expect(warnings.length).toBeGreaterThan(0);
    for (const l of h.logs) expect(l).not.toContain(h.fake.token.split(":")[1]);
  });

  test("the token never shows in logs or errors, even where grammy puts it in the URL", async () => {
    // A send retries through a short outage (here 1 s), then gives up: neither says the token.
    const h = await start({ retryWindowMs: 1000 });
    await h.fake.stop(); // every call now fails at the network layer
    const err = await h.plugin.send("42", { text: "hi" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const secret = h.fake.token.split(":")[1] as string;
    expect(String((err as Error).message)).not.toContain(secret);
    expect(JSON.stringify((err as { error?: unknown }).error)).not.toContain(secret);
    const bad = new TelegramChannel();
    const e2 = await bad.connect({ token: `${h.fake.token}x`, api_root: "http://127.0.0.1:9" }, { stateDir: h.stateDir, log: () => {} }).catch((e: unknown) => e);
    expect((e2 as Error).message).toContain("cannot reach the Bot API");
    expect((e2 as Error).message).not.toContain(secret);
    for (const l of h.logs) expect(l).not.toContain(secret);
  });

  test("a rejected token fails connect with unauthorized, naming the field", async () => {
    const fake = await startFakeTelegram();
    cleanup.push(() => fake.stop());
    const plugin = new TelegramChannel();
    const err = await plugin.connect({ token: "999:WRONG-token-value", api_root: fake.url }, { stateDir: tmpdir(), log: () => {} }).catch((e: unknown) => e);
    expect((err as { error?: { code: string; message: string } }).error).toMatchObject({ code: "unauthorized" });
    expect((err as Error).message).toContain("channels.telegram.token");
    expect((err as Error).message).not.toContain("WRONG-token-value");
    expect(plugin.status().state).toBe("failed");
  });
});

describe("handing on", () => {
  test("a message handler still busy (a turn waiting for approval) does not hold up the button press", async () => {
    const fake = await startFakeTelegram();
    const stateDir = mkdtempSync(join(tmpdir(), "tg-state-"));
    const plugin = new TelegramChannel({ pollTimeoutSeconds: 5 });
    cleanup.push(async () => { await plugin.disconnect(); await fake.stop(); rmSync(stateDir, { recursive: true, force: true }); });
    let pressed: (a: InboundAction) => void = () => {};
    const press = new Promise<InboundAction>((r) => (pressed = r));
    let answered = "";
    plugin.onMessage(async () => { answered = (await press).actionId; });
    plugin.onAction((a) => pressed(a));
    await plugin.connect({ token: fake.token, api_root: fake.url }, { stateDir, log: () => {} });
    fake.inject(textDm(ann, "do the risky thing"));
    fake.inject(callbackQuery(ann, { message_id: 1, chat: { id: 42, type: "private" } }, "approve:a1"));
    expect((await press).actionId).toBe("approve:a1");
    await Bun.sleep(0);
    expect(answered).toBe("approve:a1");
  });
});

describe("webhook mode", () => {
  test("with webhook_url set: setWebhook with a secret, updates POSTed to our listener arrive; forged posts are refused", async () => {
    const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const port = probe.port as number;
    await probe.stop(true);
    const url = `http://127.0.0.1:${port}/tg/hook`;
    const h = await start({ config: { webhook_url: url, webhook_port: port, webhook_secret: "s3cret_value" } });
    expect(h.fake.state.webhook).toEqual({ url, secret: "s3cret_value" });
    expect(h.fake.calls.some((c) => c.method === "getUpdates")).toBe(false);
    const uid = h.fake.inject(textDm(ann, "via webhook"));
    const m = await h.next();
    expect(m.text).toBe("via webhook");
    const forged = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "guess" }, body: JSON.stringify(textDm(bob, "forged")) });
    expect(forged.status).toBe(401);
    // A redelivery of the same update (Telegram retries) is not handed on twice.
    const again = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "s3cret_value" }, body: JSON.stringify({ update_id: uid, ...textDm(ann, "via webhook") }) });
    expect(again.status).toBe(200);
    h.fake.inject(textDm(ann, "second"));
    await h.next(2);
    expect(h.inbox.map((x) => x.text)).toEqual(["via webhook", "second"]);
  });
});
