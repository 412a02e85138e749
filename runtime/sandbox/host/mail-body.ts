// What a message's MIME structure offers a reader: the part holding its text (text/plain
// preferred, else text/html, which mail.read turns into text with html.toMarkdown's converter)
// and its attachments as names and sizes only.
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
