// Approvals the gateway has shown and nobody has settled yet (DESIGN §8), so a reloaded page, a
// second tab or a new `moltbot chat` of the same user gets the same card, and every socket of the
// user learns when one is settled and its card goes stale. Only the gateway's own turns are here:
// they are the ones its clients can answer. The agent says how each one ended (approval.resolved);
// a turn waits on one approval at a time, so one still open at a later event was left behind.
import type { ApprovalOutcome } from "../contracts/agent.ts";

export type { ApprovalOutcome };

/** The data of an `approval.request` event, exactly as clients got it. */
export interface ApprovalEventData {
  id: string;
  turn: string;
  expiresAt: string;
  [key: string]: unknown;
}

export interface ResolvedEventData {
  id: string;
  turn: string;
  state: ApprovalOutcome;
  by?: string;
}

interface Open {
  user: string;
  session: string;
  data: ApprovalEventData;
}

// Timers fire a hair late and answers race the expiry: a rejection this close to it counts as expired.
const EXPIRY_SLACK_MS = 250;
// The events a turn can send only once its wait is over.
const SETTLING = new Set(["tool.result", "approval.request", "chat.final", "chat.error"]);

export class OpenApprovals {
  private readonly byId = new Map<string, Open>();
  private readonly byTurn = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Watches one event of a turn; returns the `approval.resolved` data to send before it when the
   * turn went past its open approval without the agent saying how it ended (a turn that failed
   * or was stopped: see inferred). The agent's own word arrives as `approval.resolved` (hub).
   */
  observe(user: string, session: string, name: string, data: Record<string, unknown>): ResolvedEventData | null {
    const turn = String(data.turn);
    const openId = SETTLING.has(name) ? this.byTurn.get(turn) : undefined;
    const open = openId ? this.byId.get(openId) : undefined;
    const settled = open ? this.settle(open.data.id, this.inferred(open))?.data ?? null : null;
    if (name === "approval.request") {
      const a = data as ApprovalEventData;
      this.byId.set(a.id, { user, session, data: a });
      this.byTurn.set(turn, a.id);
    }
    return settled;
  }

  /** Marks an approval settled: whose it was and the `approval.resolved` data, or null when it was not open. */
  settle(id: string, state: ApprovalOutcome, by?: string): { user: string; data: ResolvedEventData } | null {
    const open = this.byId.get(id.trim().toLowerCase()) ?? this.byId.get(id);
    if (!open) return null;
    this.byId.delete(open.data.id);
    if (this.byTurn.get(open.data.turn) === open.data.id) this.byTurn.delete(open.data.turn);
    return { user: open.user, data: { id: open.data.id, turn: open.data.turn, state, ...(by ? { by } : {}) } };
  }

  /** Open, unexpired approvals of a user (optionally of one session), oldest first. */
  of(user: string, session?: string): ApprovalEventData[] {
    const now = this.now();
    return [...this.byId.values()]
      .filter((o) => o.user === user && (session === undefined || o.session === session) && Date.parse(o.data.expiresAt) > now)
      .map((o) => o.data);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * The agent announces how every approval ended (approval.resolved) before its turn goes on, so
   * one still open at a later event was left behind by a turn that failed or was stopped: never
   * guessed to be approved (it may have expired unseen, or been denied on another channel).
   */
  private inferred(open: Open): ApprovalOutcome {
    return this.now() >= Date.parse(open.data.expiresAt) - EXPIRY_SLACK_MS ? "expired" : "cancelled";
  }
}
