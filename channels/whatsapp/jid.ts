// WhatsApp addresses (JIDs): `15550001111@s.whatsapp.net` (a phone), `…@lid` (a privacy id
// baileys 7 may use instead), `…@g.us` (a group). Our user ids are the phone digits.
import { isJidGroup, jidDecode, jidNormalizedUser } from "baileys";

export const isGroupJid = (jid: string): boolean => isJidGroup(jid) === true;

const isPhoneJid = (jid: string | null | undefined): jid is string => !!jid && jid.endsWith("@s.whatsapp.net");

/** The sender's JID, preferring the phone-number form baileys 7 carries in `…Alt` beside a LID. */
export function senderJid(key: { remoteJid?: string | null; participant?: string | null; remoteJidAlt?: string; participantAlt?: string }): string | undefined {
  const group = !!key.remoteJid && isGroupJid(key.remoteJid);
  const primary = group ? key.participant : key.remoteJid;
  const alt = group ? key.participantAlt : key.remoteJidAlt;
  if (isPhoneJid(primary)) return primary;
  if (isPhoneJid(alt)) return alt;
  return primary ?? undefined;
}

/** `15550001111:12@s.whatsapp.net` → `15550001111` (the device suffix dropped). */
export function userOf(jid: string): string | undefined {
  return jidDecode(jid)?.user || undefined;
}

/** The set of JIDs that mean "the bot": its phone JID and its LID, device suffixes dropped. */
export function botJids(user: { id?: string; lid?: string } | undefined): Set<string> {
  const out = new Set<string>();
  for (const j of [user?.id, user?.lid]) if (j) out.add(jidNormalizedUser(j));
  return out;
}

export const isBot = (jid: string | null | undefined, bot: Set<string>): boolean =>
  !!jid && bot.has(jidNormalizedUser(jid));
