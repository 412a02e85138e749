// What a message's MIME structure offers a reader: the part holding its text (text/plain
// preferred, else text/html turned into text) and its attachments as names and sizes only.
import type { MessageStructureObject } from "imapflow";

export interface AttachmentInfo {
  name: string;
  mime: string;
  size: number;
}

export interface BodyPlan {
  /** Part number to download ("1", "1.2"); imapflow maps "1" of a single-part message to its body. */
  textPart?: string;
  html: boolean;
  attachments: AttachmentInfo[];
}

export function planBody(root: MessageStructureObject | undefined): BodyPlan {
  const plain: MessageStructureObject[] = [];
  const html: MessageStructureObject[] = [];
  const attachments: AttachmentInfo[] = [];
  const walk = (node: MessageStructureObject, depth: number) => {
    if (depth > 32) return;
    if (node.childNodes && node.childNodes.length > 0) {
      for (const child of node.childNodes) walk(child, depth + 1);
      return;
    }
    const type = String(node.type ?? "").toLowerCase();
    const name = node.dispositionParameters?.filename ?? node.parameters?.name;
    const isAttachment = String(node.disposition ?? "").toLowerCase() === "attachment" || (name !== undefined && !type.startsWith("text/"));
    if (isAttachment || type === "message/rfc822") {
      attachments.push({ name: String(name ?? "(unnamed)"), mime: type, size: Number(node.size ?? 0) });
    } else if (type === "text/plain") plain.push(node);
    else if (type === "text/html") html.push(node);
  };
  if (root) walk(root, 0);
  const chosen = plain[0] ?? html[0];
  const part = chosen === undefined ? undefined : chosen === root ? "1" : chosen.part ?? "1";
  return { textPart: part, html: chosen !== undefined && plain[0] === undefined, attachments };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** A readable approximation of an HTML body: no tags, scripts or styles; block ends become newlines. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote)\s*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === "#") {
        const n = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(n) && n > 0 && n < 0x110000 ? String.fromCodePoint(n) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
