// Telegram end to end: the fake Bot API server ↔ grammy in the Telegram plugin ↔ the real
// router and agent (sandbox, policy, audit, memory) ↔ the fake Ollama model. What a Telegram
// user sees in their chat.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TelegramChannel } from "../../channels/telegram/index.ts";
import { PAIRING_CODE } from "../../runtime/sessions/index.ts";
import { startChannelStack, type ChannelStack } from "../helpers/channel-stack.ts";
import { callbackQuery, groupText, parseTelegramHtml, reply, startFakeTelegram, textDm, user, type FakeTelegram, type SentMessage } from "../fakes/telegram/index.ts";
import { CONFIRM_NOTE, PNG, testSkills } from "../helpers/test-skills.ts";

const ann = user(42, "Ann");
const bob = user(43, "Bob");
const GROUP = -1001;
let stack: ChannelStack | null = null;
let fake: FakeTelegram | null = null;
afterEach(async () => {
  await stack?.stop();
  await fake?.stop();
  stack = null;
  fake = null;
});

const { skill, note: NOTE, snap: SNAP } = testSkills("tg");

const chatRequests = (s: ChannelStack) => s.model.requests.filter((r) => r.path === "/api/chat");
const visible = (m: SentMessage) => { const r = parseTelegramHtml(m.text ?? ""); return r.ok ? r.text : `(unparsable) ${m.text}`; };

async function telegramStack(opts: Omit<Parameters<typeof startChannelStack>[0], "channels"> & { dm?: string; allow?: string[] }): Promise<{ s: ChannelStack; f: FakeTelegram }> {
  const f = await startFakeTelegram();
  fake = f;
  const plugin = new TelegramChannel({ pollTimeoutSeconds: 5 });
  const config = { token: f.token, api_root: f.url, dm: opts.dm ?? "pairing", allow: opts.allow ?? [] };
  const s = await startChannelStack({ ...opts, channels: [{ plugin, config }] });
  stack = s;
  return { s, f };
}

describe("telegram: access control", () => {
  test("an unknown DM sender gets a pairing code and reaches no model; after approval the model answers", async () => {
    const { s, f } = await telegramStack({ script: [{ text: "Hello **Ann**! 2 < 3 & all is well." }] });
    f.inject(textDm(ann, "hi, who are you?"));
    const pairing = await f.waitSent((m) => m.chat.id === 42);
    const code = /pairing code is ([A-Z0-9]+)/.exec(pairing.text ?? "")?.[1] ?? "";
    expect(code).toMatch(PAIRING_CODE);
    expect(pairing.text).toContain(`moltbot pairing approve telegram ${code}`);
    await s.router.idle();
    expect(chatRequests(s)).toHaveLength(0);

    s.approvePairing("telegram", code);
    f.inject(textDm(ann, "hi again"));
    const answer = await f.waitSent((m) => m.chat.id === 42 && m !== pairing);
    expect(answer.text).toBe("Hello <b>Ann</b>! 2 &lt; 3 &amp; all is well.");
    expect(visible(answer)).toBe("Hello Ann! 2 < 3 & all is well.");
    expect(f.state.chatActions).toContainEqual({ chat_id: 42, action: "typing" });
    expect(JSON.stringify(chatRequests(s)[0]?.body)).toContain("hi again");
  });

  test("group: silent unless mentioned or replied to; the answer replies to the asking message", async () => {
    const { s, f } = await telegramStack({ allow: ["42"], script: [{ text: "You rang?" }, { text: "Still here." }, { text: "Last one." }] });
    f.inject(groupText(GROUP, ann, "just chatting with friends"));
    f.inject(groupText(GROUP, ann, "hey bot, are you there?", { mention: f.bot.username }));
    const first = await f.waitSent((m) => m.chat.id === GROUP);
    await s.router.idle();
    expect(f.sent(GROUP).map(visible)).toEqual(["You rang?"]);
    expect(first.reply_to).toBeDefined();
    expect(JSON.stringify(chatRequests(s))).not.toContain("just chatting");

    f.inject(reply(GROUP, ann, "and now?", first as unknown as Record<string, unknown>));
    await f.waitSent((m) => m.chat.id === GROUP && m !== first);
    f.inject(groupText(GROUP, bob, "who is allowed here?", { mention: f.bot.username })); // not admitted: ignored, no pairing code in a group
    f.inject(groupText(GROUP, ann, "bye all"));
    f.inject(groupText(GROUP, ann, "one more thing", { mention: f.bot.username })); // handled after the two above
    await f.waitSent((m) => m.text === "Last one.");
    await s.router.idle();
    expect(f.sent(GROUP).map(visible)).toEqual(["You rang?", "Still here.", "Last one."]);
    expect(chatRequests(s)).toHaveLength(3);
    expect(JSON.stringify(chatRequests(s))).not.toMatch(/who is allowed|bye all/);
  });
});

describe("telegram: approvals and commands", () => {
  test("approval via inline keyboard: refused for another user, accepted for the requester, tool runs", async () => {
    const { s, f } = await telegramStack({ dm: "open", skills: [NOTE()], policyYaml: CONFIRM_NOTE, script: [{ toolCalls: [{ name: "note_write", params: { text: "buy <milk> & eggs" } }] }, { text: "Saved your note." }] });
    f.inject(textDm(ann, "remember to buy milk"));
    const prompt = await f.waitSent((m) => !!m.reply_markup);
    const buttons = (prompt.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard[0] ?? [];
    expect(buttons.map((b) => b.text)).toEqual(["Approve", "Deny"]);
    const approveData = buttons[0]?.callback_data ?? "";
    const id = approveData.slice("approve:".length);
    expect(visible(prompt)).toContain("text: buy <milk> & eggs");
    expect(visible(prompt)).toContain(`/approve ${id}`);

    // Bob presses Ann's button (e.g. in a shared group): refused, and told so in his chat.
    f.inject(callbackQuery(bob, { ...prompt, chat: { id: 43, type: "private" } } as unknown as Record<string, unknown>, approveData));
    const refused = await f.waitSent((m) => m.chat.id === 43);
    expect(refused.text).toContain("only telegram:42 (or the owner) may answer");
    expect(JSON.stringify(chatRequests(s))).not.toContain("saved buy");

    f.inject(callbackQuery(ann, prompt as unknown as Record<string, unknown>, approveData));
    await f.waitSent((m) => m.chat.id === 42 && m.text === "Saved your note.");
    expect(f.sent(42).map(visible).slice(-2)).toEqual([`Approved ${id}.`, "Saved your note."]);
    expect(f.state.answeredCallbacks).toHaveLength(2); // every press stops the button's spinner
    expect(JSON.stringify(chatRequests(s)[1]?.body)).toContain("saved buy");
  });

  test("/stop cancels the running turn; its answer never arrives", async () => {
    const { s, f } = await telegramStack({ dm: "open", script: [{ text: "a very slow answer ".repeat(20), chunks: 40, delayMs: 50 }] });
    f.inject(textDm(ann, "write me an essay"));
    while (chatRequests(s).length === 0) await Bun.sleep(5);
    f.inject(textDm(ann, "/stop"));
    await f.waitSent((m) => m.text === "Stopped.");
    await s.router.idle();
    expect(f.sent(42).map((m) => m.text)).toEqual(["Stopped."]);
  });

  test("a tool's image goes out as a Telegram photo", async () => {
    const { s, f } = await telegramStack({ dm: "open", skills: [SNAP()], policyYaml: CONFIRM_NOTE, script: [{ toolCalls: [{ name: "snap", params: {} }] }, { text: "Here is the picture." }] });
    f.inject(textDm(ann, "take a picture"));
    await f.waitSent((m) => m.text === "Here is the picture.");
    await s.router.idle();
    const photoMsg = f.sent(42).find((m) => m.photo);
    expect(Buffer.from(photoMsg?.photoBytes ?? []).equals(PNG)).toBe(true);
  });
});
