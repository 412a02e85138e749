// Where a running turn waits for a person (DESIGN §8): persist the request, emit
// `approval_request`, then wait for `resolveApproval`, the expiry timer, or cancellation —
// whichever comes first. Anything but an explicit approve/always is a rejection (fail closed).
// The policy's `confirmation.remember` bounds what "always" may keep and which kept answers are
// read back: `none` — nothing (an "always" is a plain approve), `session` — that session only,
// `always` — for good. A plain approve is never kept.
import type { AgentEvent, ApprovalAnswer, ApprovalRequest } from "../contracts/agent.ts";
import type { MoltError } from "../contracts/errors.ts";
import type { Answer } from "../runner/run-skill.ts";
import type { Remember } from "../../policy/index.ts";
import type { ApprovalStore, GrantKey } from "../approvals/index.ts";

export interface AskContext {
  turn: string;
  session: string;
  user: string;
  unattended: boolean;
  signal: AbortSignal;
  emit(event: AgentEvent): void;
}

export interface AskRequest {
  tool: string;
  params: unknown;
  reason: string;
  permission?: { kind: string; value?: string };
  /** The prompt-injection guard asks: remembered grants do not skip it. */
  guarded: boolean;
}

export class ApprovalGate {
  readonly #store: ApprovalStore;
  readonly #timeoutMs: () => number;
  readonly #remember: () => Remember;
  readonly #waiters = new Map<string, (answer: ApprovalAnswer | null) => void>();

  constructor(store: ApprovalStore, timeoutMs: () => number, remember: () => Remember) {
    this.#store = store;
    this.#timeoutMs = timeoutMs;
    this.#remember = remember;
  }

  async ask(ctx: AskContext, req: AskRequest): Promise<Answer> {
    if (ctx.unattended) return "unavailable";
    if (ctx.signal.aborted) return false;
    const key = grantKey(req);
    // Read per question: a policy reloaded with a narrower `remember` drops what was kept before.
    const limit = this.#remember();
    if (!req.guarded && limit !== "none" && this.#store.isRemembered(ctx.user, req.tool, key, ctx.session, limit)) return true;
    const approval: ApprovalRequest = this.#store.create({
      turn: ctx.turn, session: ctx.session, user: ctx.user, tool: req.tool, params: req.params, reason: req.reason,
      ...(req.permission ? { permission: req.permission } : {}), timeoutMs: this.#timeoutMs(),
    });
    let cancelled = false;
    const answer = await new Promise<ApprovalAnswer | null>((resolve) => {
      const done = (a: ApprovalAnswer | null) => {
        clearTimeout(timer);
        ctx.signal.removeEventListener("abort", onAbort);
        this.#waiters.delete(approval.id);
        resolve(a);
      };
      const onAbort = () => ((cancelled = true), done(null));
      const timer = setTimeout(() => done(null), Math.max(0, Date.parse(approval.expiresAt) - Date.now()));
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.set(approval.id, done);
      ctx.emit({ type: "approval_request", turn: ctx.turn, approval });
    });
    // Every client that showed the question learns how it ended, wherever it was answered.
    ctx.emit({ type: "approval_resolved", turn: ctx.turn, id: approval.id, state: answer === null ? (cancelled ? "cancelled" : "expired") : answer === "deny" ? "denied" : "approved" });
    if (answer === null) {
      this.#store.expire(approval.id);
      return false;
    }
    if (answer === "deny") return false;
    const kept = this.#kept(answer);
    if (kept) this.#store.remember(ctx.user, req.tool, key, kept, ctx.session);
    return true;
  }

  /** How long an answer is kept: only an "always", and only as far as confirmation.remember allows. */
  #kept(answer: ApprovalAnswer): "session" | "always" | undefined {
    const scope = answer === "always" ? this.#remember() : "none";
    return scope === "none" ? undefined : scope;
  }

  /** Answers a waiting approval; `by` = every name of the person answering. */
  resolve(id: string, answer: ApprovalAnswer, by: string[]): { ok: true; kept?: "session" | "always" } | { ok: false; error: MoltError } {
    const found = this.#store.get(id);
    const waiter = found ? this.#waiters.get(found.id) : undefined;
    if (found && found.state === "pending" && !waiter) {
      // Its turn is not running in this process (it stopped or restarted): nobody can continue it.
      this.#store.expire(found.id);
      return { ok: false, error: { code: "not_found", message: `approval ${found.id} belongs to a turn that is no longer running` } };
    }
    const res = this.#store.answer(id, answer, by);
    if (!res.ok) {
      if (found && res.error.code === "not_found" && waiter) waiter(null);
      return res;
    }
    waiter?.(answer);
    const kept = this.#kept(answer);
    return kept ? { ok: true, kept } : { ok: true };
  }

  /** Turns still waiting in this process, for expiring orphans left by an earlier one. */
  isWaiting(id: string): boolean {
    return this.#waiters.has(id);
  }
}

/** A permission prompt and a tool call's confirmation are remembered apart: a call whose params
 *  look like a permission must never answer a prompt for that permission, nor the reverse. */
function grantKey(req: AskRequest): GrantKey {
  if (!req.permission) return { kind: "confirm", params: req.params };
  const { kind, value } = req.permission;
  return { kind: "permission", permission: value === undefined ? { kind } : { kind, value } };
}
