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

async function start(opts: { fake?: FakeTelegram; stateDir?: string; config?: Record<string, unknown> } = {}): Promise<Harness> {
  const fake = opts.fake ?? (await startFakeTelegram());
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), "tg-state-"));
  const logs: string[] = [];
  const inbox: InboundMessage[] = [];
  const actions: InboundAction[] = [];
  let wake = () => {};
  const plugin = new TelegramChannel({ pollTimeoutSeconds: 5, backoff: { initialMs: 20, maxMs: 100 } });
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
