// Shared by the gateway's end-to-end tests: a tiny Agent that implements the contract (it
// stands in for the model-driven loop, not for gateway code) and a client that records events.
import type { Agent, AgentEvent, ApprovalAnswer, TurnInput } from "../../runtime/contracts/agent.ts";
import { moltError } from "../../runtime/contracts/errors.ts";
import { GatewayClient } from "../../runtime/gateway/client.ts";

/**
 * "tool <cmd>" asks for approval of a shell_execute call, "slow[:steps]" streams a dot every
 * 5 ms (400 steps unless given) until done or cancelled,
 * anything else is echoed word by word.
 */
export class EchoAgent implements Agent {
  readonly inputs: TurnInput[] = [];
  /** Turns of "slow" that ran to their final answer. */
  readonly finished: string[] = [];
  private readonly approvals = new Map<string, { user: string; answer: (a: ApprovalAnswer) => void }>();
  private seq = 0;

  run(input: TurnInput, signal?: AbortSignal): AsyncIterable<AgentEvent> {
    this.inputs.push(input);
    return this.turn(input, signal);
  }

  private async *turn(input: TurnInput, signal?: AbortSignal): AsyncGenerator<AgentEvent> {
    const turn = (input as TurnInput & { turn?: string }).turn ?? `agent-${++this.seq}`;
    if (input.text.startsWith("tool ")) {
      const command = input.text.slice(5);
      const id = `ap${++this.seq}`;
      yield { type: "tool_call", turn, id: `call-${id}`, tool: "shell_execute", params: { command } };
      const answer = new Promise<ApprovalAnswer>((resolve) => this.approvals.set(id, { user: input.user, answer: resolve }));
      const expiresAt = new Date(Date.now() + 60_000).toISOString();
      yield { type: "approval_request", turn, approval: { id, turn, session: input.session, user: input.user, tool: "shell_execute", params: { command }, reason: "shell_execute requires confirmation (trust.requiresConfirmation)", expiresAt } };
      const a = await answer;
      if (a === "deny") {
        yield { type: "final", turn, text: `I did not run \`${command}\`: you said no.` };
        return;
      }
      yield { type: "tool_result", turn, id: `call-${id}`, tool: "shell_execute", ok: true, summary: "ok" };
      yield { type: "final", turn, text: `Ran \`${command}\`.` };
      return;
    }
    if (input.text.startsWith("slow")) {
      const steps = Number(input.text.split(":")[1] ?? 400);
      for (let i = 0; !signal?.aborted && i < steps; i++) {
        yield { type: "delta", turn, text: "." };
        await Bun.sleep(5);
      }
      if (signal?.aborted) yield { type: "error", turn, error: moltError("timeout", "cancelled") };
      else {
        this.finished.push(turn);
        yield { type: "final", turn, text: "slow done" };
      }
      return;
    }
    const words = input.text.split(/(?<= )/);
    for (const w of words) yield { type: "delta", turn, text: w };
    yield { type: "final", turn, text: input.text };
  }

  async resolveApproval(id: string, answer: ApprovalAnswer, by: string) {
    const p = this.approvals.get(id);
    if (!p) return { ok: false as const, error: moltError("not_found", `no pending approval ${id}`) };
    if (p.user !== by) return { ok: false as const, error: moltError("unauthorized", "only the requester may answer") };
    this.approvals.delete(id);
    p.answer(answer);
    return { ok: true as const };
  }

  stop(): boolean {
    return false;
  }
}

export interface Recorded {
  event: string;
  data: any;
}

/** Connects and records every event in order. */
export async function recordingClient(url: string, opts: Parameters<typeof GatewayClient.connect>[1] = {}) {
  const client = await GatewayClient.connect(url, opts);
  const events: Recorded[] = [];
  const waiters: { test: (e: Recorded) => boolean; resolve: (e: Recorded) => void }[] = [];
  client.on("*", (e: Recorded) => {
    events.push(e);
    for (const w of [...waiters]) if (w.test(e)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(e));
  });
  const waitFor = (event: string, pred: (d: any) => boolean = () => true) =>
    new Promise<Recorded>((resolve) => {
      const hit = events.find((e) => e.event === event && pred(e.data));
      if (hit) return resolve(hit);
      waiters.push({ test: (e) => e.event === event && pred(e.data), resolve });
    });
  return { client, events, waitFor };
}
