// What a message's MIME structure offers a reader: the part holding its text (text/plain
// preferred, else text/html, which mail.read turns into text with html.toMarkdown's converter)
// and its attachments as names and sizes only; the thread it belongs to (References); and the
// arithmetic on what was read of them (decoded attachment sizes, the text cut to what the
// caller asked for).
import type { MessageAddressObject, MessageStructureObject } from "imapflow";
import { MAX_REFERENCES, isMsgId } from "./mail-args.ts";

export interface AttachmentInfo {
  name: string;
  mime: string;
  /** Decoded bytes (IMAP reports base64 parts as sent, a third larger; see base64DecodedSize). */
  size: number;
  /** A message/rfc822 attachment (a message forwarded as an attachment): its own headers. */
  forwarded?: { subject: string; from: string };
}

export const addressText = (a: MessageAddressObject) => (a.name ? `${a.name} <${a.address ?? ""}>` : String(a.address ?? ""));

/** Whole messages carried as a part: an attachment, however many parts they hold themselves. */
const MESSAGE_TYPES = new Set(["message/rfc822", "message/global"]);

export interface BodyPlan {
  /** Part number to download ("1", "1.2"); imapflow maps "1" of a single-part message to its body. */
  textPart?: string;
  html: boolean;
  /** Bytes of the text part as sent (before transfer decoding), as the server reports them. */
  textSize?: number;
  attachments: AttachmentInfo[];
  /** Attachments sent in base64, by index into `attachments`: their size is corrected from their last bytes. */
  base64: { index: number; part: string; size: number }[];
}

export function planBody(root: MessageStructureObject | undefined): BodyPlan {
  const plain: MessageStructureObject[] = [];
  const html: MessageStructureObject[] = [];
  const attachments: AttachmentInfo[] = [];
  const base64: BodyPlan["base64"] = [];
  const partOf = (node: MessageStructureObject) => (node === root ? "1" : node.part ?? "1");
  const walk = (node: MessageStructureObject, depth: number) => {
    if (depth > 32) return;
    const type = String(node.type ?? "").toLowerCase();
    // A forwarded message is checked before the descent: IMAP lists its parts as children of
    // the message/rfc822 part, and its text and files are the forwarded mail's, not this one's.
    const isMessage = MESSAGE_TYPES.has(type);
    if (!isMessage && node.childNodes && node.childNodes.length > 0) {
      for (const child of node.childNodes) walk(child, depth + 1);
      return;
    }
    const name = node.dispositionParameters?.filename ?? node.parameters?.name;
    const isAttachment = String(node.disposition ?? "").toLowerCase() === "attachment" || (name !== undefined && !type.startsWith("text/"));
    if (isAttachment || isMessage) {
      const size = Number(node.size ?? 0);
      if (String(node.encoding ?? "").toLowerCase() === "base64" && size > 0) base64.push({ index: attachments.length, part: partOf(node), size });
      const info: AttachmentInfo = { name: String(name ?? "(unnamed)"), mime: type, size };
      if (isMessage && node.envelope) info.forwarded = { subject: node.envelope.subject ?? "", from: (node.envelope.from ?? []).map(addressText).join(", ") };
      attachments.push(info);
    } else if (type === "text/plain") plain.push(node);
    else if (type === "text/html") html.push(node);
  };
  if (root) walk(root, 0);
  const chosen = plain[0] ?? html[0];
  const plan: BodyPlan = { textPart: chosen && partOf(chosen), html: chosen !== undefined && plain[0] === undefined, attachments, base64 };
  if (chosen?.size !== undefined) plan.textSize = Number(chosen.size);
  return plan;
}

/**
 * The thread a message belongs to, oldest first, as a reply's References starts (RFC 5322
 * §3.6.4): the ids of its References header (`header`, the raw field as fetched), else the one
 * id of its In-Reply-To (none when it holds several). Only ids mail.send accepts, so a reply can
 * pass them on unchanged; a longer thread keeps its first id and the newest, MAX_REFERENCES in all.
 */
export function threadOf(header: string, inReplyTo: string | undefined): string[] {
  const found = (text: string) => (text.match(/<[^<>]*>/g) ?? []).map((id) => id.replace(/\s+/g, "")).filter(isMsgId);
  let ids = [...new Set(found(header))];
  if (ids.length === 0) {
    const parent = found(inReplyTo ?? "");
    if (parent.length === 1) ids = parent;
  }
  return ids.length > MAX_REFERENCES ? [ids[0]!, ...ids.slice(-(MAX_REFERENCES - 1))] : ids;
}

/** Last bytes of a base64 part read to learn its line length and padding. */
export const BASE64_TAIL_BYTES = 1024;

/**
 * Bytes a base64 part decodes to, from its size as sent (which counts the line breaks) and its
 * last bytes (`tail`, up to BASE64_TAIL_BYTES; the whole part when it is that short). Exact for a
 * part whose lines but the last are all as long, as every encoder writes them (76 characters in
 * MIME); an estimate otherwise. Without a tail: three quarters of the size, no line breaks assumed.
 */
export function base64DecodedSize(encodedSize: number, tail: string): number {
  const trimmed = tail.trimEnd();
  const padding = trimmed.endsWith("==") ? 2 : trimmed.endsWith("=") ? 1 : 0;
  let chars: number;
  if (tail.length >= encodedSize) {
    chars = trimmed.replace(/[^A-Za-z0-9+/]/g, "").length + padding;
  } else {
    // Bytes up to the last base64 character: k lines of `line` characters and a break each, then the last line.
    const content = encodedSize - (tail.length - trimmed.length);
    const lastBreak = trimmed.lastIndexOf("\n");
    if (lastBreak < 0) {
      chars = content; // one line, longer than the tail
    } else {
      const eol = trimmed[lastBreak - 1] === "\r" ? 2 : 1;
      const last = trimmed.length - lastBreak - 1;
      const before = trimmed.lastIndexOf("\n", lastBreak - eol);
      // A line longer than the tail (not MIME, whose lines are at most 76): count that one break only.
      const lines = before < 0 ? 1 : Math.round((content - last) / (lastBreak - before));
      chars = content - lines * eol;
    }
  }
  return Math.max(0, Math.floor(((chars - padding) * 3) / 4));
}

export interface CappedText {
  text: string;
  /** Present when `text` is not the whole body: cut to `maxChars`, or the body was larger than what was read. */
  truncated?: { shown: number; total: number; unit: "chars"; atLeast?: true };
}

/**
 * The body's text cut to `maxChars` (never inside a surrogate pair). `whole` false: the body was
 * larger than what was read, so `total` is a lower bound (`atLeast`) and the text counts as cut.
 */
export function capText(text: string, maxChars: number, whole: boolean): CappedText {
  let shown = Math.min(text.length, maxChars);
  const code = text.charCodeAt(shown - 1);
  if (shown < text.length && code >= 0xd800 && code <= 0xdbff) shown--;
  const out: CappedText = { text: text.slice(0, shown) };
  if (!whole) out.truncated = { shown, total: text.length, unit: "chars", atLeast: true };
  else if (shown < text.length) out.truncated = { shown, total: text.length, unit: "chars" };
  return out;
}
