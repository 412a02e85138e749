// What the router sends: Markdown answers parsed and split into platform-sized messages, and
// approval requests with the full call shown and Approve/Deny buttons.
import type { ApprovalRequest } from "../contracts/agent.ts";
import type { Block, Message } from "../contracts/channel.ts";
import { parseMarkdown } from "./markdown.ts";
import { markdownText } from "./render.ts";
import { budgetFor, hardCut, type Limits, splitBlocks } from "./split.ts";

const FOLD = 80;

/**
 * Markdown → one or more messages within the channel's limits (by their plain rendering):
 * `maxTextLength`, and `maxTextBytes` when the channel declares one (pass the plugin).
 */
export function markdownMessages(markdown: string, limits: number | Limits): Message[] {
  return blocksMessages(parseMarkdown(markdown), limits);
}

export function blocksMessages(blocks: Block[], limits: number | Limits): Message[] {
  return splitBlocks(blocks, budgetFor(limits)).map((chunk) => ({ text: markdownText(chunk), format: "markdown", blocks: chunk }));
}

/**
 * The approval prompt: tool, every parameter (long values folded onto continuation lines,
 * never cut), the reason, buttons, and the `/approve <id>` fallback for platforms without them.
 * The buttons ride on the last message when the parameters need more than one.
 */
export function approvalMessages(a: ApprovalRequest, limits: number | Limits): Message[] {
  const blocks: Block[] = [
    { t: "para", children: [{ t: "bold", children: [{ t: "text", text: "Approval needed" }] }, { t: "text", text: `: ${a.tool}` }] },
    { t: "code_block", text: formatParams(a.params) },
    { t: "para", children: [{ t: "text", text: `Why: ${a.reason}${a.permission ? ` (${a.permission.kind}${a.permission.value ? ` ${a.permission.value}` : ""})` : ""}` }] },
    { t: "para", children: [{ t: "text", text: "Reply " }, { t: "code", text: `/approve ${a.id}` }, { t: "text", text: " or " }, { t: "code", text: `/deny ${a.id}` }, { t: "text", text: "." }] },
  ];
  const messages = blocksMessages(blocks, limits);
  const last = messages[messages.length - 1] as Message;
  last.buttons = [{ id: `approve:${a.id}`, label: "Approve" }, { id: `deny:${a.id}`, label: "Deny" }];
  return messages;
}

/** `key: value` lines; strings as written, other values as JSON; lines longer than 80 folded. */
export function formatParams(params: unknown): string {
  const entries = params && typeof params === "object" && !Array.isArray(params) ? Object.entries(params as Record<string, unknown>) : [["params", params] as const];
  if (entries.length === 0) return "(no parameters)";
  return entries.map(([k, v]) => fold(`${k}: ${typeof v === "string" ? v : JSON.stringify(v) ?? String(v)}`)).join("\n");
}

function fold(line: string): string {
  return line.split("\n").flatMap((l) => {
    if (l.length <= FOLD) return [l];
    // Folded between grapheme clusters, so an emoji or an accented letter is never torn apart.
    return hardCut(l, FOLD).map((part, i) => (i ? "  ↪ " : "") + part);
  }).join("\n");
}

/** One line for the user about a failed turn; never the whole input, never a stack. */
export function errorLine(message: string, hint?: string): string {
  const one = message.split("\n")[0]?.slice(0, 300) ?? "error";
  return `⚠️ ${one}${hint ? ` — ${hint.split("\n")[0]?.slice(0, 200)}` : ""}`;
}
