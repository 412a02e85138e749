// The agent loop (DESIGN §1): model → tool calls → policy gate → (confirmation) → sandbox →
// audit → results back to the model, until a final answer or the step limit. Tool failures are
// results the model sees; only the model failing, or the user stopping, ends a turn early.
import { randomUUID } from "node:crypto";
import type { Agent, AgentEvent, ApprovalAnswer, TurnInput } from "../contracts/agent.ts";
import { moltError, type MoltError } from "../contracts/errors.ts";
import type { ChatMessage, ChatRequest } from "../contracts/provider.ts";
import type { Policy } from "../../policy/index.ts";
import { ApprovalStore } from "../approvals/index.ts";
import { SessionStore } from "../sessions/index.ts";
import { ApprovalGate } from "./approval-gate.ts";
import { callTool, refuseUnknown, shownToolName, type CallContext } from "./call-tool.ts";
import { buildContext, summariseDropped, type TranscriptEntry } from "./context.ts";
import { EventQueue } from "./event-queue.ts";
import { guardOptions, TurnGuard, type GuardOptions } from "./guard.ts";
import { askModel } from "./model-step.ts";
import { resultForModel, summaryOf, attachmentsOf } from "./tool-text.ts";
import { buildToolset } from "./toolset.ts";
import { DEFAULT_IMAGE_LIMITS, turnImages } from "./turn-images.ts";
import type { AgentDeps } from "./types.ts";

const STEP_LIMIT_NOTE = "[moltbot] The tool-step limit for this turn is reached. Answer now with what you have; no more tool calls.";

const STEP_LIMIT_HINT = "ask again in smaller steps, or raise agent.max_steps in config.yaml (default 8, at most 100; see docs/config.md)";
const EMPTY_ANSWER_NOTE = "[moltbot] Your last reply was empty. Answer the user's message";

const isEmpty = (reply: { text: string; calls: unknown[] }) => reply.calls.length === 0 && reply.text.trim() === "";

const emptyAnswer = (provider: string): MoltError => moltError(
  "provider_error", `${provider}: the model returned an empty answer, also when asked again`,
  "ask again, perhaps in other words; if it keeps happening, try another model (the model setting of your ai_provider in config.yaml)",
  { provider },
);

export class MoltAgent implements Agent {
  readonly #deps: AgentDeps;
  readonly #guard: GuardOptions;
  readonly #approvals: ApprovalStore;
  readonly #sessions: SessionStore;
  readonly #gate: ApprovalGate;
  readonly #running = new Map<string, { ctrl: AbortController; turn: string }>();
  readonly #chains = new Map<string, Promise<void>>();

  constructor(deps: AgentDeps) {
    this.#deps = deps;
    const opts = deps.options ?? {};
    this.#guard = guardOptions(opts.guard);
    this.#approvals = new ApprovalStore(deps.stateDb, { now: opts.now, owners: opts.owners });
    this.#sessions = new SessionStore(deps.stateDb, { now: opts.now });
    this.#gate = new ApprovalGate(this.#approvals, () => opts.approvalTimeoutMs ?? this.#policy().confirmation.timeoutMs, () => this.#policy().confirmation.remember);
  }

  async *run(input: TurnInput, signal?: AbortSignal): AsyncIterable<AgentEvent> {
    // The gateway reserves the turn id before the turn starts (its `{turn}` reply goes first);
    // it passes it as `turn` (not yet in the TurnInput contract), and events must carry it.
    const given = (input as TurnInput & { turn?: unknown }).turn;
    const turn = typeof given === "string" && given !== "" ? given : `t-${randomUUID().slice(0, 8)}`;
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort();
    if (signal?.aborted) ctrl.abort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    const queue = new EventQueue<AgentEvent>();
    const emit = (e: AgentEvent) => queue.push(e);
    // One turn at a time per session, so transcripts never interleave; a later message waits.
    const previous = this.#chains.get(input.session) ?? Promise.resolve();
    const work = previous.then(async () => {
      if (ctrl.signal.aborted) return emit(cancelled(turn));
      this.#running.set(input.session, { ctrl, turn });
      try {
        await this.#turn(input, turn, ctrl.signal, emit);
      } catch (err) {
        emit({ type: "error", turn, error: asError(err) });
      } finally {
        if (this.#running.get(input.session)?.turn === turn) this.#running.delete(input.session);
      }
    }).finally(() => queue.close());
    const chained = work.catch(() => {});
    this.#chains.set(input.session, chained);
    try {
      for await (const event of queue) yield event;
    } finally {
      ctrl.abort(); // a consumer that stops listening ends the turn
      signal?.removeEventListener("abort", onAbort);
      await chained;
      if (this.#chains.get(input.session) === chained) this.#chains.delete(input.session);
    }
  }

  async resolveApproval(id: string, answer: ApprovalAnswer, by: string): Promise<{ ok: true; kept?: "session" | "always" } | { ok: false; error: MoltError }> {
    const names = [...new Set([by, this.#sessions.canonicalUser(by)])];
    return this.#gate.resolve(id, answer, names);
  }

  stop(session: string): boolean {
    const running = this.#running.get(session);
    if (!running) return false;
    running.ctrl.abort();
    return true;
  }

  close(): void {
    for (const { ctrl } of this.#running.values()) ctrl.abort();
    this.#approvals.close();
    this.#sessions.close();
  }

  #policy(): Policy {
    const p = this.#deps.runner.policy;
    return typeof p === "function" ? p() : p;
  }

  async #turn(raw: TurnInput, turn: string, signal: AbortSignal, emit: (e: AgentEvent) => void): Promise<void> {
    // One person after `identity link`: their profile, memory and approvals follow them.
    const input = { ...raw, user: this.#sessions.canonicalUser(raw.user) };
    const { memory, provider } = this.#deps;
    const opts = this.#deps.options ?? {};
    const policy = this.#policy();
    const toolset = buildToolset(this.#deps.skills(), this.#deps.extraTools ?? [], policy, this.#deps.remote?.remoteTools() ?? []);
    // A sandbox worker starts while the model thinks, should it call one of our skills.
    if (toolset.offered.some((t) => toolset.find(t.name)?.kind === "skill")) this.#deps.runner.pool.warm();
    const [history, profile] = await Promise.all([
      memory.readTranscript(input.session, { last: opts.historyEntries ?? 40 }),
      memory.readProfile(input.user),
    ]);
    const shown = turnImages(input.text, input.attachments, { ...DEFAULT_IMAGE_LIMITS, ...opts.images });
    const { messages, dropped } = buildContext({ profile, instructions: toolset.instructions, history, text: shown.text, images: shown.images, contextChars: opts.contextChars ?? 24_000 });
    await this.#summarise(input.session, dropped);
    await memory.appendTranscript(input.session, { role: "user", text: shown.transcript, at: this.#now(), user: input.user });

    const ctx: CallContext = {
      turn, session: input.session, user: input.user, channel: input.channel, unattended: input.unattended === true,
      signal, emit, guard: new TurnGuard(this.#guard),
    };
    if (input.untrusted) ctx.guard.taint(input.untrusted);
    const maxSteps = opts.maxSteps ?? 8;
    for (let step = 0; ; step++) {
      const last = step >= maxSteps;
      const req: ChatRequest = last
        ? { messages: [...messages, { role: "user", content: STEP_LIMIT_NOTE }] }
        : toolset.offered.length > 0 ? { messages, tools: toolset.offered } : { messages };
      const onText = (text: string) => emit({ type: "delta", turn, text });
      let reply = await askModel(provider, req, signal, onText);
      // An empty answer (no text, no tool calls) is no answer: ask once more, saying so; a
      // second empty one is the model's failure, not a blank reply to show the user.
      if (reply.ok && isEmpty(reply) && !signal.aborted) {
        reply = await askModel(provider, { ...req, messages: [...req.messages, { role: "user", content: `${EMPTY_ANSWER_NOTE}${req.tools ? ", or call one of the tools offered" : ""}.` }] }, signal, onText);
        if (reply.ok && isEmpty(reply) && !signal.aborted) return emit({ type: "error", turn, error: emptyAnswer(provider.name) });
      }
      if (signal.aborted) return emit(cancelled(turn));
      if (!reply.ok) return emit({ type: "error", turn, error: reply.error });
      if (reply.calls.length === 0 || last) {
        if (reply.calls.length > 0 && reply.text.trim() === "") {
          return emit({ type: "error", turn, error: moltError("step_limit", `stopped after ${maxSteps} tool steps without a final answer`, STEP_LIMIT_HINT, { max_steps: maxSteps }) });
        }
        await memory.appendTranscript(input.session, { role: "assistant", text: reply.text, at: this.#now() });
        return emit({ type: "final", turn, text: reply.text });
      }
      const assistant: ChatMessage = { role: "assistant", content: reply.text, toolCalls: reply.calls };
      messages.push(assistant);
      for (const call of reply.calls) {
        // Providers hand on only string names ("" when the model gave none); an unknown name is
        // a result the model can correct, audited like any call.
        const tool = shownToolName(call.name);
        emit({ type: "tool_call", turn, id: call.id, tool, params: call.params });
        const entry = toolset.find(call.name);
        const deps = { runner: this.#deps.runner, policy, gate: this.#gate, remote: this.#deps.remote };
        const result = entry
          ? await callTool(entry, call.params, ctx, deps)
          : refuseUnknown(call.name, call.params, toolset.offered.map((t) => t.name), ctx, deps);
        if (signal.aborted) return emit(cancelled(turn));
        const attachments = attachmentsOf(result);
        emit({ type: "tool_result", turn, id: call.id, tool, ok: result.ok, summary: summaryOf(result), ...(attachments ? { attachments } : {}) });
        messages.push({ role: "tool", toolCallId: call.id, content: resultForModel(result, opts.toolResultChars ?? 8_000) });
      }
    }
  }

  async #summarise(session: string, dropped: TranscriptEntry[]): Promise<void> {
    const until = this.#sessions.summarisedUntil(session);
    const fresh = until === null ? dropped : dropped.filter((e) => e.at.toISOString() > until);
    if (fresh.length === 0) return;
    try {
      await this.#deps.memory.appendDaily(summariseDropped(session, fresh));
    } catch {
      // The summary is a convenience: losing it must not cost the user the turn. Not marked as
      // done, so the next turn tries again.
      return;
    }
    this.#sessions.markSummarised(session, fresh[fresh.length - 1]!.at.toISOString());
  }

  #now(): Date {
    return new Date((this.#deps.options?.now ?? Date.now)());
  }
}

const cancelled = (turn: string): AgentEvent => ({
  type: "error", turn, error: moltError("cancelled", "stopped: the turn was cancelled", undefined, { cancelled: true }),
});

function asError(err: unknown): MoltError {
  const e = err as { error?: MoltError; message?: string };
  return e?.error ?? moltError("internal", e?.message ?? String(err));
}
