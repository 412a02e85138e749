// Running agent turns: each gets an id the client learns from `chat.send`'s reply before any of
// its events, its AgentEvents become WS events, and shutdown can wait for or cancel them all.
import type { Agent, AgentEvent, TurnInput } from "../contracts/agent.ts";
import type { Attachment } from "../contracts/channel.ts";
import { moltError, toMoltError, type MoltError } from "../contracts/errors.ts";

export type Emit = (event: string, data: unknown) => void;
export type TurnEnd = { turn: string; text: string } | { turn: string; error: MoltError };

interface Running {
  session: string;
  abort: AbortController;
  done: Promise<TurnEnd>;
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
    case "tool_result":
      return { event: "tool.result", data: { turn, id: ev.id, tool: ev.tool, ok: ev.ok, summary: ev.summary, attachments: wireAttachments(ev.attachments) } };
    case "final":
      return { event: "chat.final", data: { turn, text: ev.text } };
    case "error":
      return { event: "chat.error", data: { turn, error: ev.error } };
  }
}

export class TurnTracker {
  private readonly running = new Map<string, Running>();

  get size(): number {
    return this.running.size;
  }

  /**
   * Reserves a turn id; the turn starts when the returned `begin` is called, so the caller can
   * send the `{turn}` reply first and the client never sees an event for a turn it does not know.
   */
  prepare(agent: Agent, input: TurnInput, emit: Emit): { turn: string; begin: () => Promise<TurnEnd> } {
    const turn = newTurnId();
    const abort = new AbortController();
    let begin!: () => Promise<TurnEnd>;
    const started = new Promise<void>((resolve) => (begin = () => (resolve(), done)));
    const done = started.then(() => pump(agent, { ...input, turn } as TurnInput, turn, abort.signal, emit));
    this.running.set(turn, { session: input.session, abort, done });
    void done.finally(() => this.running.delete(turn));
    return { turn, begin };
  }

  /** Cancels the running turns of a session; true when there was one. */
  cancelSession(session: string): boolean {
    let any = false;
    for (const r of this.running.values()) if (r.session === session) (r.abort.abort(), (any = true));
    return any;
  }

  /** Lets running turns finish for up to `graceMs`, then cancels what is left and waits for it. */
  async drain(graceMs: number): Promise<void> {
    const all = () => Promise.allSettled([...this.running.values()].map((r) => r.done));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([all(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const r of this.running.values()) r.abort.abort();
    // A turn that ignores its abort signal must not hold the process forever.
    await Promise.race([all(), new Promise((r) => setTimeout(r, 2_000).unref())]);
  }
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
    const error = signal.aborted ? moltError("timeout", "the turn was cancelled") : moltError("internal", "the turn ended without an answer");
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
