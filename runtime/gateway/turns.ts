// Running agent turns: each gets an id the client learns from `chat.send`'s reply before any of
// its events, its AgentEvents become WS events, and shutdown can wait for or cancel them all.
// Turns of one session run one after another (later ones are queued here, before the agent);
// a user may have only so many running or queued, and the gateway only so many in all.
import type { Agent, AgentEvent, TurnInput } from "../contracts/agent.ts";
import type { Attachment } from "../contracts/channel.ts";
import { fail, moltError, toMoltError, type MoltError } from "../contracts/errors.ts";

export type Emit = (event: string, data: unknown) => void;
export type TurnEnd = { turn: string; text: string } | { turn: string; error: MoltError };

export interface TurnLimits {
  /** Running plus queued turns of one user. */
  perUser: number;
  /** Running plus queued turns of the whole gateway. */
  total: number;
}

interface Tracked {
  session: string;
  user: string;
  abort: AbortController;
  /** False while the turn waits for `begin` or for earlier turns of its session: the agent has not seen it. */
  started: boolean;
}

let counter = 0;
function newTurnId(): string {
  return `t${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** AgentEvent → WS event (DESIGN §8). The gateway's turn id replaces the agent's. */
export function toWsEvent(ev: AgentEvent, turn: string): { event: string; data: Record<string, unknown> } {
  switch (ev.type) {
    case "delta":
      return { event: "chat.delta", data: { turn, text: ev.text } };
    case "tool_call":
      return { event: "tool.call", data: { turn, id: ev.id, tool: ev.tool, params: ev.params } };
    case "approval_request": {
      const a = ev.approval;
      return { event: "approval.request", data: { id: a.id, turn, tool: a.tool, params: a.params, reason: a.reason, expiresAt: a.expiresAt, ...(a.permission ? { permission: a.permission } : {}) } };
    }
    case "approval_resolved":
      return { event: "approval.resolved", data: { id: ev.id, turn, state: ev.state } };
    case "tool_result":
      return { event: "tool.result", data: { turn, id: ev.id, tool: ev.tool, ok: ev.ok, summary: ev.summary, attachments: wireAttachments(ev.attachments) } };
    case "final":
      return { event: "chat.final", data: { turn, text: ev.text } };
    case "error":
      return { event: "chat.error", data: { turn, error: ev.error } };
  }
}

export class TurnTracker {
  private readonly turns = new Map<string, Tracked>();
  /** Per session: settles once every turn prepared so far for it has ended. */
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly limits: TurnLimits) {}

  get size(): number {
    return this.turns.size;
  }

  /**
   * Reserves a turn id; the turn starts when the returned `begin` is called, so the caller can
   * send the `{turn}` reply first and the client never sees an event for a turn it does not know.
   * Throws `rate_limited` when the user or the gateway already has its maximum of turns.
   */
  prepare(agent: Agent, input: TurnInput, emit: Emit): { turn: string; begin: () => Promise<TurnEnd> } {
    this.admit(input.user);
    const turn = newTurnId();
    const abort = new AbortController();
    const tracked: Tracked = { session: input.session, user: input.user, abort, started: false };
    let begin!: () => Promise<TurnEnd>;
    const begun = new Promise<void>((resolve) => (begin = () => (resolve(), done)));
    const previous = this.tails.get(input.session) ?? Promise.resolve();
    // A cancelled queued turn ends at once (freeing its slot) instead of waiting for its turn.
    const aborted = new Promise<void>((resolve) => abort.signal.addEventListener("abort", () => resolve(), { once: true }));
    const done = Promise.all([begun, Promise.race([previous, aborted])]).then(() => {
      if (abort.signal.aborted) return cancelledBeforeStart(turn, emit);
      tracked.started = true;
      return pump(agent, { ...input, turn } as TurnInput, turn, abort.signal, emit);
    });
    const tail = Promise.all([previous, done]).catch(() => {});
    this.tails.set(input.session, tail);
    this.turns.set(turn, tracked);
    void done.finally(() => this.turns.delete(turn)).catch(() => {});
    void tail.then(() => this.tails.get(input.session) === tail && this.tails.delete(input.session));
    return { turn, begin };
  }

  /** Cancels the running and queued turns of a session; true when there was one. */
  cancelSession(session: string): boolean {
    let any = false;
    for (const t of this.turns.values()) if (t.session === session) (t.abort.abort(), (any = true));
    return any;
  }

  /**
   * Cancels the user's turns that have not reached the agent yet (their last socket closed, so
   * nobody waits for them); running turns go on, for a reconnecting client to pick up.
   */
  cancelQueued(user: string): number {
    let n = 0;
    for (const t of this.turns.values()) if (t.user === user && !t.started) (t.abort.abort(), n++);
    return n;
  }

  private admit(user: string): void {
    const { perUser, total } = this.limits;
    if (this.turns.size >= total) fail("rate_limited", `the gateway already has ${total} turns running or queued, its maximum`, "try again when one has finished");
    let mine = 0;
    for (const t of this.turns.values()) if (t.user === user) mine++;
    if (mine >= perUser) {
      fail("rate_limited", `at most ${perUser} turns may run at once (running or queued) for ${user}`, "wait for chat.final or chat.error of an earlier turn, or cancel them with chat.stop");
    }
  }

  /** Lets running turns finish for up to `graceMs`, then cancels what is left and waits for it. */
  async drain(graceMs: number): Promise<void> {
    const all = () => Promise.allSettled([...this.tails.values()]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([all(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const t of this.turns.values()) t.abort.abort();
    // A turn that ignores its abort signal must not hold the process forever.
    await Promise.race([all(), new Promise((r) => setTimeout(r, 2_000).unref())]);
  }
}

function cancelledBeforeStart(turn: string, emit: Emit): TurnEnd {
  const error = moltError("cancelled", "the turn was cancelled before it started");
  emit("chat.error", { turn, error });
  return { turn, error };
}

async function pump(agent: Agent, input: TurnInput, turn: string, signal: AbortSignal, emit: Emit): Promise<TurnEnd> {
  let end: TurnEnd | null = null;
  try {
    // Read to the end even after the final answer: the agent may still write its transcript.
    for await (const ev of agent.run(input, signal)) {
      if (end) continue;
      const { event, data } = toWsEvent(ev, turn);
      emit(event, data);
      if (ev.type === "final") end = { turn, text: ev.text };
      if (ev.type === "error") end = { turn, error: ev.error };
    }
    if (end) return end;
    const error = signal.aborted ? moltError("cancelled", "the turn was cancelled") : moltError("internal", "the turn ended without an answer");
    emit("chat.error", { turn, error });
    return { turn, error };
  } catch (err) {
    if (end) return end;
    const error = toMoltError(err);
    emit("chat.error", { turn, error });
    return { turn, error };
  }
}

/** Images and files a tool produced (a photo, a screenshot), as base64 so clients can show them. */
function wireAttachments(list: Attachment[] | undefined) {
  return (list ?? []).flatMap((a) =>
    a.data ? [{ kind: a.kind, mime: a.mime, ...(a.name ? { name: a.name } : {}), base64: Buffer.from(a.data).toString("base64") }] : [],
  );
}
