// How a tool result travels on: as text for the model (JSON, capped, saying how much was cut;
// errors as `error: <code>: <message>`), and as a short summary plus attachments for channels.
// Attachment bytes never go to the model — they would fill its window with base64.
import type { Attachment } from "../contracts/channel.ts";
import type { ToolOutput, ToolResult } from "../contracts/tool.ts";

const SUMMARY_CHARS = 200;

export function resultForModel(result: ToolResult, maxChars: number): string {
  if (!result.ok) return `error: ${result.error.code}: ${result.error.message}`;
  const text = JSON.stringify(withoutAttachmentBytes(result.output)) ?? "null";
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n[cut: showing ${maxChars} of ${text.length} characters]`;
}

export function summaryOf(result: ToolResult): string {
  if (!result.ok) return `${result.error.code}: ${result.error.message}`;
  const out = result.output as ToolOutput | null;
  if (out && typeof out === "object" && typeof out.summary === "string") return out.summary;
  const text = JSON.stringify(withoutAttachmentBytes(result.output)) ?? "null";
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS)}…` : text;
}

/** ToolOutput.attachments (base64) as contract Attachments with bytes; malformed entries skipped. */
export function attachmentsOf(result: ToolResult): Attachment[] | undefined {
  if (!result.ok) return undefined;
  const list = (result.output as ToolOutput | null)?.attachments;
  if (!Array.isArray(list)) return undefined;
  const out: Attachment[] = [];
  for (const a of list) {
    if (!a || typeof a.base64 !== "string" || typeof a.mime !== "string") continue;
    const att: Attachment = { kind: a.kind ?? "file", mime: a.mime, data: Uint8Array.from(Buffer.from(a.base64, "base64")) };
    if (typeof a.name === "string") att.name = a.name;
    out.push(att);
  }
  return out.length > 0 ? out : undefined;
}

function withoutAttachmentBytes(output: unknown): unknown {
  const out = output as ToolOutput | null;
  if (!out || typeof out !== "object" || !Array.isArray(out.attachments)) return output;
  return {
    ...out,
    attachments: out.attachments.map((a) => ({
      kind: a?.kind, mime: a?.mime, ...(a?.name ? { name: a.name } : {}),
      note: `sent to the user (${typeof a?.base64 === "string" ? Math.floor((a.base64.length * 3) / 4) : 0} bytes)`,
    })),
  };
}
