// Loads the fixtures: messages are JSON of proto.WebMessageInfo (as `toJSON()` writes it, with
// baileys 7's extra key fields such as remoteJidAlt kept beside), decoded with the real proto
// class; connection sequences are `connection.update` payloads with the close status code.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Boom } from "@hapi/boom";
import { proto, type ConnectionState, type WAMessage } from "baileys";

const DIR = join(import.meta.dir, "fixtures");
const KEY_EXTRAS = ["remoteJidAlt", "participantAlt", "addressingMode"] as const;

export const fixturePath = (name: string): string => join(DIR, name);

function read(name: string, media?: string): unknown {
  let text = readFileSync(join(DIR, name), "utf8");
  if (media) text = text.replaceAll("{{MEDIA}}", media);
  return JSON.parse(text);
}

function toMessage(json: Record<string, unknown>): WAMessage {
  const msg = proto.WebMessageInfo.fromObject(json) as WAMessage;
  const key = json.key as Record<string, unknown>;
  for (const k of KEY_EXTRAS) if (typeof key[k] === "string") (msg.key as Record<string, unknown>)[k] = key[k];
  return msg;
}

/** One message fixture (or each of an array fixture) as baileys hands it to `messages.upsert`. */
export function loadMessages(name: string, media?: string): WAMessage[] {
  const json = read(name, media);
  return (Array.isArray(json) ? json : [json]).map((j) => toMessage(j as Record<string, unknown>));
}

export const loadMessage = (name: string, media?: string): WAMessage => loadMessages(name, media)[0]!;

/** Raw JSON, for payloads too broken to pass through the proto class. */
export const loadRaw = (name: string): unknown[] => read(name) as unknown[];

export function loadConnection(name: string): Partial<ConnectionState>[] {
  return (read(name) as { connection?: string; statusCode?: number; qr?: string; isNewLogin?: boolean }[]).map((u) => {
    const out: Partial<ConnectionState> = {};
    if (u.connection) out.connection = u.connection as ConnectionState["connection"];
    if (u.qr) out.qr = u.qr;
    if (u.isNewLogin) out.isNewLogin = true;
    if (u.statusCode) out.lastDisconnect = { error: new Boom("Connection Failure", { statusCode: u.statusCode }), date: new Date() };
    return out;
  });
}

let seq = 0;
export interface TextOptions {
  /** The chat JID: a person's `…@s.whatsapp.net` or a group's `…@g.us`. */
  chat: string;
  /** In a group, the sender's JID. */
  from?: string;
  text: string;
  mentions?: string[];
  /** The message this one quotes (a reply). */
  quote?: { id: string; participant: string; text: string };
  id?: string;
}

/** A text message shaped like the fixtures (extendedTextMessage when it mentions or quotes). */
export function textMessage(o: TextOptions): WAMessage {
  const group = o.chat.endsWith("@g.us");
  const contextInfo = {
    ...(o.mentions ? { mentionedJid: o.mentions } : {}),
    ...(o.quote ? { stanzaId: o.quote.id, participant: o.quote.participant, quotedMessage: { conversation: o.quote.text } } : {}),
  };
  return toMessage({
    key: { remoteJid: o.chat, fromMe: false, id: o.id ?? `3EB0TEST${String(++seq).padStart(12, "0")}`, ...(group ? { participant: o.from } : {}) },
    message: Object.keys(contextInfo).length ? { extendedTextMessage: { text: o.text, contextInfo } } : { conversation: o.text },
    messageTimestamp: String(Math.floor(Date.now() / 1000)),
    pushName: "Tester",
  });
}
