// The agent loop as the gateway, channels and the terminal chat see it (DESIGN §1, §8).
import type { Attachment } from "./channel.ts";
import type { MoltError } from "./errors.ts";

/** One user message entering the loop. `user` is the canonical identity after identity links. */
export interface TurnInput {
  /** The turn's id when the caller reserved one (the gateway answers chat.send with it). */
  turn?: string;
  session: string;
  user: string;
  channel: string;
  text: string;
  attachments?: Attachment[];
  /** Cron, webhooks: nobody can be asked, so anything needing confirmation is denied. */
  unattended?: boolean;
  /** The message itself is content nobody vouches for (a webhook payload, a group chat where
   *  others write): the prompt-injection guard applies from the start of the turn. Says what. */
  untrusted?: string;
}

export interface ApprovalRequest {
  id: string;
  turn: string;
  session: string;
  /** Who may answer (besides the owner). */
  user: string;
  tool: string;
  params: unknown;
  /** Why confirmation is needed: the policy rule, or the prompt-injection guard's reason. */
  reason: string;
  /** For permission prompts raised inside a running skill: what is being asked. */
  permission?: { kind: string; value?: string };
  expiresAt: string; // ISO time
}

export type ApprovalAnswer = "approve" | "deny" | "always";
export type ApprovalOutcome = "approved" | "denied" | "expired" | "cancelled";

export type AgentEvent =
  | { type: "delta"; turn: string; text: string }
  | { type: "tool_call"; turn: string; id: string; tool: string; params: unknown }
  | { type: "approval_request"; turn: string; approval: ApprovalRequest }
  /** How a waiting approval ended, wherever it was answered (or not), before the turn goes on. */
  | { type: "approval_resolved"; turn: string; id: string; state: ApprovalOutcome }
  | { type: "tool_result"; turn: string; id: string; tool: string; ok: boolean; summary: string; attachments?: Attachment[] }
  | { type: "final"; turn: string; text: string; attachments?: Attachment[] }
  | { type: "error"; turn: string; error: MoltError };

/**
 * The loop. `run` streams events for one turn; approvals requested during the turn are
 * answered through `resolveApproval` (by the gateway, a channel, or the terminal).
 */
export interface Agent {
  run(input: TurnInput, signal?: AbortSignal): AsyncIterable<AgentEvent>;
  /** `kept`: how long an "always" answer is remembered (policy's confirmation.remember); absent: not at all. */
  resolveApproval(id: string, answer: ApprovalAnswer, by: string): Promise<{ ok: true; kept?: "session" | "always" } | { ok: false; error: MoltError }>;
  /** Cancels the session's running turn (`/stop`). */
  stop(session: string): boolean;
}
