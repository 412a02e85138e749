import { describe, expect, test } from "bun:test";
import type { Agent, AgentEvent, TurnInput } from "../contracts/agent.ts";
import { MoltFailure } from "../contracts/errors.ts";
import { TurnTracker } from "./turns.ts";

/** Each turn waits until the test releases it by text; `started` records what reached the agent. */
class GatedAgent implements Agent {
  readonly started: string[] = [];
  private readonly gates = new Map<string, () => void>();

  async *run(input: TurnInput, signal?: AbortSignal): AsyncIterable<AgentEvent> {
    const turn = input.turn ?? "t";
    this.started.push(input.text);
    await new Promise<void>((resolve) => {
      this.gates.set(input.text, resolve);
      signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    yield { type: "final", turn, text: input.text };
  }
  release(text: string): void {
    this.gates.get(text)?.();
  }
  async resolveApproval() {
    return { ok: true as const };
  }
  stop(): boolean {
    return false;
  }
}

const input = (text: string, session = "s", user = "webchat:u"): TurnInput => ({ session, user, channel: "webchat", text });
const settle = () => Bun.sleep(1);

describe("TurnTracker", () => {
  test("refuses a user's turn beyond the cap with rate_limited, and the gateway's beyond its total", () => {
    const t = new TurnTracker({ perUser: 2, total: 3 });
    const agent = new GatedAgent();
    t.prepare(agent, input("a", "s1"), () => {});
    t.prepare(agent, input("b", "s2"), () => {});
    let err: unknown;
    try {
      t.prepare(agent, input("c", "s3"), () => {});
    } catch (e) {
      err = e;
    }
    expect((err as MoltFailure).error).toMatchObject({ code: "rate_limited", message: expect.stringContaining("at most 2 turns may run at once") });
    t.prepare(agent, input("d", "s4", "webchat:other"), () => {});
    expect(() => t.prepare(agent, input("e", "s5", "webchat:third"), () => {})).toThrow("3 turns");
    expect(t.size).toBe(3);
  });

  test("turns of one session run one after another; cancelQueued ends only those not started", async () => {
    const t = new TurnTracker({ perUser: 4, total: 10 });
    const agent = new GatedAgent();
    const events: [string, any][] = [];
    const ends = ["a", "b", "c"].map((x) => t.prepare(agent, input(x), (e, d) => events.push([e, d]))).map((p) => p.begin());
    await settle();
    expect(agent.started).toEqual(["a"]);
    expect(t.cancelQueued("webchat:someone-else")).toBe(0);
    expect(t.cancelQueued("webchat:u")).toBe(2);
    const [b, c] = await Promise.all([ends[1], ends[2]]);
    expect(b).toMatchObject({ error: { code: "cancelled" } });
    expect(c).toMatchObject({ error: { code: "cancelled" } });
    expect(t.size).toBe(1); // their slots are free while "a" still runs
    // A turn queued after the cancelled ones still waits for "a".
    const d = t.prepare(agent, input("d"), () => {}).begin();
    await settle();
    expect(agent.started).toEqual(["a"]);
    agent.release("a");
    expect(await ends[0]).toMatchObject({ text: "a" });
    await settle();
    expect(agent.started).toEqual(["a", "d"]);
    agent.release("d");
    expect(await d).toMatchObject({ text: "d" });
    expect(agent.started).not.toContain("b");
    expect(t.size).toBe(0);
  });

  test("a turn cancelled before begin never reaches the agent and its event follows begin", async () => {
    const t = new TurnTracker({ perUser: 4, total: 10 });
    const agent = new GatedAgent();
    const events: string[] = [];
    const p = t.prepare(agent, input("x"), (e) => events.push(e));
    t.cancelQueued("webchat:u");
    await settle();
    expect(events).toEqual([]);
    expect(await p.begin()).toMatchObject({ error: { code: "cancelled" } });
    expect(events).toEqual(["chat.error"]);
    expect(agent.started).toEqual([]);
  });
});
