// mail.list, mail.search, mail.read: read-only IMAP (the folder is opened with EXAMINE and
// bodies fetched with BODY.PEEK, so reading never marks a message seen). Results are plain data
// with the newest messages first; bodies are decoded text, capped; attachments are names and
// decoded sizes.
import type { FetchMessageObject, ImapFlow, SearchObject } from "imapflow";
import { type Args, argsOf, bool, date, int, str } from "./mail-args.ts";
import { type AttachmentInfo, BASE64_TAIL_BYTES, type BodyPlan, type CappedText, addressText as addr, base64DecodedSize, capText, planBody, threadOf } from "./mail-body.ts";
import { htmlToMarkdown } from "./html-markdown.ts";
import { withImap } from "./mail-imap.ts";
import { HostError, type HostContext } from "./types.ts";

export const MAX_LIST = 100;
export const DEFAULT_LIST = 20;
export const MAX_TEXT_CHARS = 100_000;
export const DEFAULT_TEXT_CHARS = 20_000;

export interface MessageSummary {
  uid: number;
  date: string | null;
  from: string;
  to: string[];
  subject: string;
  seen: boolean;
  flagged: boolean;
  size: number;
  hasAttachments: boolean;
}

export interface MessageList {
  folder: string;
  /** How many messages matched; `messages` holds the newest `limit` of them. */
  total: number;
  messages: MessageSummary[];
}

const SUMMARY_QUERY = { uid: true, envelope: true, flags: true, internalDate: true, size: true, bodyStructure: true } as const;

function isoDate(when: Date | string | undefined): string | null {
  if (when === undefined || when === null) return null;
  const d = new Date(when);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function summary(m: FetchMessageObject): MessageSummary {
  const e = m.envelope;
  return {
    uid: m.uid,
    // The sender writes the Date: header; imapflow hands it over as text when it cannot read it
    // ("not a date", year 300000). Such a message is dated by the server's arrival time instead,
    // never a failure of the whole listing.
    date: isoDate(e?.date) ?? isoDate(m.internalDate),
    from: (e?.from ?? []).map(addr).join(", "),
    to: (e?.to ?? []).map(addr),
    subject: e?.subject ?? "",
    seen: m.flags?.has("\\Seen") ?? false,
    flagged: m.flags?.has("\\Flagged") ?? false,
    size: m.size ?? 0,
    hasAttachments: planBody(m.bodyStructure).attachments.length > 0,
  };
}

async function listMatching(client: ImapFlow, folder: string, query: SearchObject, limit: number): Promise<MessageList> {
  const found = (await client.search(query, { uid: true })) || [];
  const newest = [...found].sort((a, b) => a - b).slice(-limit);
  if (newest.length === 0) return { folder, total: found.length, messages: [] };
  const rows = await client.fetchAll(newest.join(","), SUMMARY_QUERY, { uid: true });
  const messages = rows.map(summary).sort((a, b) => b.uid - a.uid);
  return { folder, total: found.length, messages };
}

function folderOf(fn: string, a: Args): string {
  return str(fn, a, "folder", { max: 200 }) ?? "INBOX";
}

export async function mailList(ctx: HostContext, raw: unknown): Promise<MessageList> {
  const fn = "mail.list";
  const a = argsOf(fn, raw);
  const folder = folderOf(fn, a);
  const limit = int(fn, a, "limit", 1, MAX_LIST, DEFAULT_LIST);
  const query: SearchObject = {};
  if (bool(fn, a, "unseen")) query.seen = false;
  const since = date(fn, a, "since");
  if (since) query.since = since;
  if (Object.keys(query).length === 0) query.all = true;
  return withImap(ctx, fn, folder, (client) => listMatching(client, folder, query, limit));
}

export async function mailSearch(ctx: HostContext, raw: unknown): Promise<MessageList> {
  const fn = "mail.search";
  const a = argsOf(fn, raw);
  const folder = folderOf(fn, a);
  const limit = int(fn, a, "limit", 1, MAX_LIST, DEFAULT_LIST);
  const query: SearchObject = {};
  const text = str(fn, a, "query", { max: 500 });
  if (text) query.text = text;
  for (const key of ["from", "to", "subject"] as const) {
    const v = str(fn, a, key, { max: 500 });
    if (v) query[key] = v;
  }
  const since = date(fn, a, "since");
  if (since) query.since = since;
  const before = date(fn, a, "before");
  if (before) query.before = before;
  if (bool(fn, a, "unseen")) query.seen = false;
  if (Object.keys(query).length === 0) throw new HostError(`${fn}: give a query or at least one of from, to, subject, since, before, unseen`, "invalid_params");
  return withImap(ctx, fn, folder, (client) => listMatching(client, folder, query, limit));
}

export interface MessageText extends Omit<MessageSummary, "hasAttachments"> {
  folder: string;
  cc: string[];
  messageId: string | null;
  /**
   * The thread this message answers, oldest first (its References, else its In-Reply-To; at most
   * MAX_REFERENCES ids): a reply passes it to mail.send as `references` with `inReplyTo: messageId`.
   */
  references: string[];
  text: string;
  /**
   * Present when `text` is not the whole body: cut to `maxChars` (`total` is the body's length in
   * characters), or the body was larger than MAX_BODY_BYTES (`atLeast`: `total` counts only what was read).
   */
  truncated?: CappedText["truncated"];
  /** What the reader should know about how the body was read (cut at MAX_BODY_BYTES, unknown charset). */
  note?: string;
  attachments: AttachmentInfo[];
}

/**
 * Most bytes of a body read for its text (UTF-8, after transfer and charset decoding). The text
 * is cut to `maxChars` only after the HTML conversion: a newsletter's <head> alone can hold
 * 100 KB of styles before the first word. Bounded so one huge body costs a bounded download.
 */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Bytes a partial FETCH asks for: fewer round trips than imapflow's 64 KiB for a large body. */
const CHUNK_BYTES = 512 * 1024;

export async function mailRead(ctx: HostContext, raw: unknown): Promise<MessageText> {
  const fn = "mail.read";
  const a = argsOf(fn, raw);
  const folder = folderOf(fn, a);
  const uid = int(fn, a, "uid", 1, 2 ** 32 - 1, 0);
  if (uid === 0) throw new HostError(`${fn}: uid is required (from mail.list or mail.search)`, "invalid_params");
  const maxChars = int(fn, a, "maxChars", 100, MAX_TEXT_CHARS, DEFAULT_TEXT_CHARS);
  return withImap(ctx, fn, folder, async (client) => {
    const m = await client.fetchOne(String(uid), { ...SUMMARY_QUERY, headers: ["references"] }, { uid: true });
    if (!m) throw new HostError(`${fn}: there is no message with uid ${uid} in ${folder}`, "not_found");
    const plan = planBody(m.bodyStructure);
    const body = plan.textPart ? await readText(client, uid, plan) : { text: "", whole: true, notes: [] };
    const attachments = await decodedSizes(client, uid, plan);
    const { hasAttachments: _, ...rest } = summary(m);
    const out: MessageText = {
      ...rest,
      folder,
      cc: (m.envelope?.cc ?? []).map(addr),
      messageId: m.envelope?.messageId ?? null,
      references: threadOf(m.headers?.toString("utf8") ?? "", m.envelope?.inReplyTo),
      ...capText(body.text, maxChars, body.whole),
      attachments,
    };
    if (body.notes.length > 0) out.note = body.notes.join(" ");
    return out;
  });
}

/**
 * The text part as text: at most MAX_BODY_BYTES of it, decoded by imapflow (transfer encoding,
 * format=flowed, the declared charset to UTF-8), HTML converted after the whole read.
 */
async function readText(client: ImapFlow, uid: number, plan: BodyPlan): Promise<{ text: string; whole: boolean; notes: string[] }> {
  const notes: string[] = [];
  const dl = await client.download(String(uid), plan.textPart, { uid: true, maxBytes: MAX_BODY_BYTES + 1, chunkSize: CHUNK_BYTES });
  if (!dl.content) return { text: "", whole: true, notes };
  const bytes = await readAll(dl.content);
  const whole = bytes.length <= MAX_BODY_BYTES;
  // Held back, not replaced: a character cut in half at the limit is left out.
  let text = new TextDecoder().decode(bytes.subarray(0, MAX_BODY_BYTES), { stream: !whole }).replace(/\r\n/g, "\n");
  if (!whole) notes.push(`The body is ${sentSize(plan.textSize)}; only its first ${MAX_BODY_BYTES / 1024 / 1024} MiB were read.`);
  // imapflow converts a charset it knows to UTF-8 and says so in meta.charset; one it does not
  // know it passes through as is.
  const charset = dl.meta?.charset;
  if (charset && !["ascii", "usascii", "utf8"].includes(charset.toLowerCase().replace(/[^a-z0-9]+/g, ""))) {
    notes.push(`The body's charset "${charset.slice(0, 60)}" is unknown; it was read as UTF-8.`);
  }
  // The sender's HTML, turned into plain text by the page converter (one linear pass; a
  // body of unclosed <script> tags once took seconds through regular expressions).
  if (plan.html) text = htmlToMarkdown(text, { text: true }).markdown;
  return { text, whole, notes };
}

function sentSize(bytes: number | undefined): string {
  if (bytes === undefined || !(bytes > MAX_BODY_BYTES)) return `larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB as sent`;
}

/**
 * Attachments with their decoded size: IMAP reports a part's size as sent, and base64 is a third
 * larger than what it holds. One FETCH of the last bytes of each base64 part gives its line
 * length and padding (base64DecodedSize); without an answer the size is estimated from the
 * encoded size alone.
 */
async function decodedSizes(client: ImapFlow, uid: number, plan: BodyPlan): Promise<AttachmentInfo[]> {
  if (plan.base64.length === 0) return plan.attachments;
  const bodyParts = plan.base64.map((p) => ({ key: p.part, start: Math.max(0, p.size - BASE64_TAIL_BYTES), maxLength: BASE64_TAIL_BYTES }));
  const tails = ((await client.fetchOne(String(uid), { bodyParts }, { uid: true })) || undefined)?.bodyParts;
  const out = plan.attachments.map((a) => ({ ...a }));
  for (const p of plan.base64) {
    out[p.index]!.size = base64DecodedSize(p.size, tails?.get(p.part.toLowerCase())?.toString("latin1") ?? "");
  }
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}
