// The chat commands the router answers itself, without a model turn.
import type { ApprovalAnswer } from "../contracts/agent.ts";

export type Command =
  | { kind: "stop" }
  | { kind: "approval"; id: string; answer: ApprovalAnswer }
  | { kind: "usage"; text: string };

const ANSWERS: Record<string, ApprovalAnswer> = { approve: "approve", deny: "deny", always: "always" };

/** `/stop`, `/approve <id>`, `/deny <id>`, `/always <id>` (also `/cmd@botname`); null for anything else. */
export function parseCommand(text: string): Command | null {
  const m = /^\/([a-z]+)(?:@\S+)?(?:\s+(\S+))?\s*$/i.exec(text.trim());
  if (!m) return null;
  const name = (m[1] ?? "").toLowerCase();
  if (name === "stop") return { kind: "stop" };
  const answer = ANSWERS[name];
  if (!answer) return null;
  if (!m[2]) return { kind: "usage", text: `Usage: /${name} <approval id>` };
  return { kind: "approval", id: m[2], answer };
}

/** A button id from an approval message: `approve:<id>` / `deny:<id>` / `always:<id>`. */
export function parseAction(actionId: string): { id: string; answer: ApprovalAnswer } | null {
  const m = /^(approve|deny|always):(.+)$/.exec(actionId);
  if (!m) return null;
  return { id: m[2] as string, answer: ANSWERS[m[1] as string] as ApprovalAnswer };
}

/** What the person is told; an "always" says how long it is kept, which the policy decides. */
export function confirmation(answer: ApprovalAnswer, id: string, kept?: "session" | "always"): string {
  if (answer === "deny") return `Denied ${id}.`;
  if (answer !== "always") return `Approved ${id}.`;
  if (kept === "always") return `Approved ${id}, and remembered for next time.`;
  if (kept === "session") return `Approved ${id}, and remembered for this conversation.`;
  return `Approved ${id} this once: the policy remembers no answers (confirmation.remember: none).`;
}
