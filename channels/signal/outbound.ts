// A contract Message → the params of signal-cli's `send`: recipient or groupId, the text with
// its style ranges, approval buttons as "/approve <id>" lines the user can send back, images
// as RFC 2397 data URIs with a filename (signal-cli accepts `data:<mime>;filename=<name>;base64,…`
// as an attachment, so the daemon needs no access to our files), and a quote for replies.
import type { Attachment, Message } from "../../runtime/contracts/channel.ts";
import { fail } from "../../runtime/contracts/errors.ts";
import { renderBlocks, type Styled } from "./render.ts";

/** Signal's attachment limit is 100 MiB; stay below it with the base64 growth in mind. */
const MAX_ATTACHMENT_BYTES = 95 * 1024 * 1024;

export const GROUP_PREFIX = "group:";

/** `group:<base64 id>` → groupId; anything else is a number or UUID recipient. */
export function target(chatId: string): { groupId: string } | { recipient: string[] } {
  return chatId.startsWith(GROUP_PREFIX) ? { groupId: chatId.slice(GROUP_PREFIX.length) } : { recipient: [chatId] };
}

/** A button id from the router (`approve:<id>`, `deny:<id>`, `always:<id>`) as a command line. */
export function buttonLine(b: { id: string; label: string }): string {
  const m = /^(approve|deny|always):(.+)$/.exec(b.id);
  return m ? `/${m[1]} ${m[2]}` : b.label;
}

export function messageText(message: Message): Styled {
  const body: Styled = message.format === "markdown" && message.blocks ? renderBlocks(message.blocks) : { text: message.text, styles: [] };
  // Lines the text already shows (the router's approval prompt names both commands) are not
  // repeated; Signal has no buttons, so these lines are what the user sends back.
  const lines = (message.buttons ?? []).map(buttonLine).filter((l) => !body.text.includes(l)).join("\n");
  if (!lines) return body;
  return { text: body.text ? `${body.text}\n\n${lines}` : lines, styles: body.styles };
}

export async function dataUri(a: Attachment): Promise<string> {
  let bytes: Uint8Array;
  if (a.data) bytes = a.data;
  else if (a.path) {
    const file = Bun.file(a.path);
    if (!(await file.exists())) fail("channel_error", `signal: attachment ${a.name ?? "file"} is not readable`);
    if (file.size > MAX_ATTACHMENT_BYTES) fail("channel_error", `signal: attachment ${a.name ?? "file"} is larger than Signal's 100 MiB limit`);
    bytes = new Uint8Array(await file.arrayBuffer());
  } else fail("channel_error", "signal: an attachment has neither data nor path");
  if (bytes.byteLength > MAX_ATTACHMENT_BYTES) fail("channel_error", `signal: attachment ${a.name ?? "file"} is larger than Signal's 100 MiB limit`);
  const mime = /^[\w.+-]+\/[\w.+-]+$/.test(a.mime) ? a.mime : "application/octet-stream";
  // The filename sits inside the URI's parameters: keep it to characters that cannot end them.
  const name = (a.name ?? a.path?.split("/").pop() ?? defaultName(mime)).replace(/[^\w.\- ]/g, "_").slice(0, 100);
  return `data:${mime};filename=${name};base64,${Buffer.from(bytes).toString("base64")}`;
}

function defaultName(mime: string): string {
  const ext = mime.split("/")[1]?.replace("jpeg", "jpg").replace(/[^\w]/g, "") ?? "bin";
  return `attachment.${ext}`;
}

/** `<author>:<timestamp>` — the ids this channel hands out — as signal-cli's quote params. */
export function quoteParams(replyTo: string | undefined): Record<string, unknown> {
  const m = replyTo ? /^(.+):(\d{10,16})$/.exec(replyTo) : null;
  return m ? { quoteAuthor: m[1], quoteTimestamp: Number(m[2]) } : {};
}

export async function sendParams(chatId: string, message: Message): Promise<Record<string, unknown>> {
  const { text, styles } = messageText(message);
  const attachments = await Promise.all((message.attachments ?? []).map(dataUri));
  return {
    ...target(chatId),
    message: text,
    ...(styles.length ? { textStyle: styles } : {}),
    ...(attachments.length ? { attachments } : {}),
    ...quoteParams(message.replyTo),
  };
}
