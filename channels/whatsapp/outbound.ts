// A contract Message → the baileys contents to send, in order: text (formatted, with any
// approval commands appended), then one message per attachment; a short text rides along as
// the first image's caption so the picture and its words arrive together.
import { readFile } from "node:fs/promises";
import type { AnyMessageContent } from "baileys";
import type { Attachment, Message } from "../../runtime/contracts/channel.ts";
import { fail } from "../../runtime/contracts/errors.ts";
import { escapeWhatsApp, renderBlocks, renderButtons } from "./format.ts";

/** WhatsApp cuts captions longer than this; longer text goes in its own message. */
export const CAPTION_LIMIT = 1024;

export function messageText(message: Message): string {
  const body = message.blocks?.length
    ? renderBlocks(message.blocks)
    : message.format === "markdown" ? message.text : escapeWhatsApp(message.text);
  const commands = message.buttons?.length ? renderButtons(message.buttons, body) : "";
  return [body, commands].filter((s) => s.trim().length > 0).join("\n\n");
}

async function bytesOf(a: Attachment): Promise<Buffer> {
  if (a.data) return Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  if (a.path) {
    try {
      return await readFile(a.path);
    } catch {
      return fail("channel_error", `whatsapp: cannot read attachment ${a.name ?? "file"}`, "check the file still exists");
    }
  }
  return fail("invalid_input", "whatsapp: an attachment has neither data nor path");
}

function mediaContent(a: Attachment, bytes: Buffer, caption?: string): AnyMessageContent {
  const withCaption = caption ? { caption } : {};
  switch (a.kind) {
    case "image": return { image: bytes, mimetype: a.mime, ...withCaption };
    case "video": return { video: bytes, mimetype: a.mime, ...withCaption };
    case "audio": return { audio: bytes, mimetype: a.mime };
    case "file": return { document: bytes, mimetype: a.mime, fileName: a.name ?? "file", ...withCaption };
  }
}

export async function buildContents(message: Message): Promise<AnyMessageContent[]> {
  const text = messageText(message);
  const attachments = message.attachments ?? [];
  const first = attachments[0];
  const captionFits = !!first && first.kind !== "audio" && text.length > 0 && text.length <= CAPTION_LIMIT;
  const out: AnyMessageContent[] = [];
  // linkPreview: null — baileys would otherwise fetch any URL in the text from this machine.
  if (text && !captionFits) out.push({ text, linkPreview: null });
  for (const [i, a] of attachments.entries()) {
    out.push(mediaContent(a, await bytesOf(a), i === 0 && captionFits ? text : undefined));
  }
  return out;
}
