// Long answers end to end: the fake model answers at length, the real router splits the answer,
// and the Telegram and Matrix plugins send it to their fake servers. What arrives must rejoin to
// the answer, hold no half of an emoji, and (Matrix) keep each event under the 64 KiB limit.
import { afterEach, describe, expect, test } from "bun:test";
import { MatrixChannel } from "../../channels/matrix/index.ts";
import { TelegramChannel } from "../../channels/telegram/index.ts";
import type { FakeHomeserver } from "../fakes/matrix/fake-homeserver.ts";
import { ANN, BOT, homeserverWithBot, until } from "../fakes/matrix/test-bot.ts";
import { type FakeTelegram, parseTelegramHtml, startFakeTelegram, textDm, user } from "../fakes/telegram/index.ts";
import { type ChannelStack, startChannelStack } from "../helpers/channel-stack.ts";

let stack: ChannelStack | undefined;
let tg: FakeTelegram | undefined;
let hs: FakeHomeserver | undefined;
afterEach(async () => {
  await stack?.stop();
  await tg?.stop();
  await hs?.stop();
  stack = tg = hs = undefined;
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const segmenter = new Intl.Segmenter("und", { granularity: "grapheme" });

/** The pieces rejoin to `whole`, and each starts between two grapheme clusters of it. */
function expectCleanCuts(whole: string, pieces: string[]) {
  expect(pieces.length).toBeGreaterThan(1);
  for (const p of pieces) expect(LONE_SURROGATE.test(p)).toBe(false);
  expect(pieces.join("")).toBe(whole);
  const starts = new Set([...segmenter.segment(whole)].map((s) => s.index));
  let at = 0;
  for (const p of pieces) {
    expect(starts.has(at)).toBe(true);
    at += p.length;
  }
}

describe("telegram", () => {
  const ann = user(42, "Ann");

  async function answer(text: string): Promise<string[]> {
    tg = await startFakeTelegram();
    const plugin = new TelegramChannel({ pollTimeoutSeconds: 5 });
    stack = await startChannelStack({ script: [{ text }], channels: [{ plugin, config: { token: tg.token, api_root: tg.url, dm: "open", allow: [] } }] });
    tg.inject(textDm(ann, "tell me something long"));
    await tg.waitSent((m) => m.chat.id === 42);
    await stack.router.idle();
    const sent = tg.sent(42);
    for (const m of sent) expect(LONE_SURROGATE.test(m.text ?? "")).toBe(false);
    return sent.map((m) => {
      const r = parseTelegramHtml(m.text ?? "");
      if (!r.ok) throw new Error(`unparsable Telegram HTML: ${(m.text ?? "").slice(0, 80)}`);
      return r.text;
    });
  }

  test("an answer of emoji is cut between emoji", async () => {
    const text = `x${"😀".repeat(5000)}`;
    expectCleanCuts(text, await answer(text));
  });

  test("family emoji (ZWJ sequences) and flags stay whole", async () => {
    const text = `y${"👨‍👩‍👧‍👦🇫🇷👍🏽".repeat(600)}`;
    expectCleanCuts(text, await answer(text));
  });

  test("inside a code block too", async () => {
    const code = `x${"😀".repeat(3000)}`;
    expectCleanCuts(code, await answer(`\`\`\`\n${code}\n\`\`\``));
  });
});

describe("matrix", () => {
  async function answer(text: string) {
    const r = await homeserverWithBot();
    hs = r.hs;
    const plugin = new MatrixChannel();
    stack = await startChannelStack({ script: [{ text }], channels: [{ plugin, config: { homeserver: hs.url, user_id: BOT, access_token: r.token, dm: "open" } }] });
    const dm = hs.createRoom([ANN, BOT]);
    await until("room synced", () => hs?.rec.syncs.length && hs.rec.syncs.length > 1);
    hs.sendText(dm, ANN, "tell me something long");
    await hs.waitSent((e) => e.roomId === dm && e.type === "m.room.message");
    await stack.router.idle();
    const events = hs.rec.sent.filter((e) => e.roomId === dm && e.type === "m.room.message");
    for (const e of events) {
      expect(LONE_SURROGATE.test(String(e.content.body))).toBe(false);
      expect(LONE_SURROGATE.test(String(e.content.formatted_body))).toBe(false);
    }
    return events;
  }

  test("an answer of emoji is cut between emoji", async () => {
    const text = `x${"😀".repeat(10_000)}`;
    expectCleanCuts(text, (await answer(text)).map((e) => String(e.content.body)));
  });

  // FAILS until run-turn.ts hands the router the plugin's limits (maxTextBytes) instead of
  // plugin.maxTextLength alone; marked `failing` so it flips red the day that lands — then drop
  // `.failing`.
  test("24,000 Chinese characters: every event stays under Matrix's 65536-byte limit", async () => {
    const text = "中文回答测试，".repeat(4000).slice(0, 24_000);
    const events = await answer(text);
    for (const e of events) expect(new TextEncoder().encode(JSON.stringify(e.content)).length).toBeLessThan(65_536);
    expect(events.map((e) => String(e.content.body)).join("")).toBe(text);
  });
});
