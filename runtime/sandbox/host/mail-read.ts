// mail.list, mail.search, mail.read: read-only IMAP (the folder is opened with EXAMINE and
// bodies fetched with BODY.PEEK, so reading never marks a message seen). Results are plain data
// with the newest messages first; bodies are decoded text, capped.
import type { FetchMessageObject, ImapFlow, MessageAddressObject, SearchObject } from "imapflow";
import { type Args, argsOf, bool, date, int, str } from "./mail-args.ts";
import { type AttachmentInfo, planBody } from "./mail-body.ts";
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

const addr = (a: MessageAddressObject) => (a.name ? `${a.name} <${a.address ?? ""}>` : String(a.address ?? ""));
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
  text: string;
  /** Present when the body was cut to `maxChars`. */
  truncated?: { shown: number; total: number; unit: "chars" };
  attachments: AttachmentInfo[];
}

export async function mailRead(ctx: HostContext, raw: unknown): Promise<MessageText> {
  const fn = "mail.read";
  const a = argsOf(fn, raw);
  const folder = folderOf(fn, a);
  const uid = int(fn, a, "uid", 1, 2 ** 32 - 1, 0);
  if (uid === 0) throw new HostError(`${fn}: uid is required (from mail.list or mail.search)`, "invalid_params");
  const maxChars = int(fn, a, "maxChars", 100, MAX_TEXT_CHARS, DEFAULT_TEXT_CHARS);
  return withImap(ctx, fn, folder, async (client) => {
    const m = await client.fetchOne(String(uid), SUMMARY_QUERY, { uid: true });
    if (!m) throw new HostError(`${fn}: there is no message with uid ${uid} in ${folder}`, "not_found");
    const plan = planBody(m.bodyStructure);
    let text = "";
    if (plan.textPart) {
      // Bytes are capped too: a multi-byte text needs at most 4 bytes a character.
      const dl = await client.download(String(uid), plan.textPart, { uid: true, maxBytes: maxChars * 4 + 4 });
      if (dl.content) text = await streamText(dl.content);
      // The sender's HTML, turned into plain text by the page converter (one linear pass; a
      // body of unclosed <script> tags once took seconds through regular expressions).
      if (plan.html) text = htmlToMarkdown(text, { text: true }).markdown;
    }
    const { hasAttachments: _, ...rest } = summary(m);
    const out: MessageText = {
      ...rest,
      folder,
      cc: (m.envelope?.cc ?? []).map(addr),
      messageId: m.envelope?.messageId ?? null,
      text: text.length > maxChars ? text.slice(0, maxChars) : text,
      attachments: plan.attachments,
    };
    if (text.length > maxChars) out.truncated = { shown: maxChars, total: text.length, unit: "chars" };
    return out;
  });
}

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString("utf8").replace(/\r\n/g, "\n");
}
