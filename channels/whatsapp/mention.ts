// A group message addresses the bot by mentioning it: WhatsApp lists the JID in `mentionedJid`
// and writes "@<number>" into the text (the phone number, or the LID's digits when the group
// uses privacy ids). The router must see "/approve <id>" and the model the question itself, so
// the bot's own "@<number>" is cut, as the Telegram, Signal and Matrix channels cut theirs.
import { isBot, userOf } from "./jid.ts";

export function botMention(text: string, mentionedJid: unknown[], bot: Set<string>): { text: string; mentioned: boolean } {
  const mentioned = mentionedJid.some((j) => typeof j === "string" && isBot(j, bot));
  if (!mentioned) return { text, mentioned };
  // Either form may appear whichever JID was listed, so both are cut.
  const numbers = [...bot].map(userOf).filter((u): u is string => !!u && /^\d+$/.test(u));
  if (!numbers.length) return { text, mentioned };
  // "@15550009999" (not the start of "@155500099991"), a "," or ":" typed after it and one
  // space: "@bot /stop" → "/stop", "hi @bot how" → "hi how".
  const re = new RegExp(`@(?:${numbers.join("|")})(?!\\d)[,:]?[ \t]?`, "g");
  const cut = text.replace(re, "");
  return { text: cut === text ? text : cut.trim(), mentioned };
}
