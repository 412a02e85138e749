// The worker side of service calls, driven the way worker.ts drives it: a channel per worker, a
// caller per job handed to that job's context, the job ended before the next one starts.
import { describe, expect, test } from "bun:test";
import { DEFAULT_LIMITS } from "../contracts/sandbox.ts";
import { parsePolicy } from "../../policy/index.ts";
import { BROWSER } from "../sandbox/host/browser.ts";
import { createHostContext } from "../sandbox/host/context.ts";
import { HostError, type HostContext, type HostFn } from "../sandbox/host/types.ts";
import type { FromWorker } from "../sandbox/types.ts";
import { callService, ServiceChannel } from "./worker-calls.ts";

type Rpc = Extract<FromWorker, { type: "rpc" }>;

const POLICY = `version: 1
prompt: true
skills:
  tester:
    allow: { browser: true, camera: true }
`;

/** A job's context as execute() makes it, with the job's own service caller. */
function jobContext(caller: NonNullable<HostContext["services"]>, ask: HostContext["ask"] = async () => false) {
  return createHostContext({
    policy: parsePolicy(POLICY, "test-policy.yaml"),
    skill: { name: "tester", permissions: { browser: true, camera: true, net: "all" } },
    home: "/nonexistent-home",
    limits: DEFAULT_LIMITS,
    deadline: Date.now() + 10_000,
    ask,
    services: caller,
  });
}

function channel() {
  const sent: Rpc[] = [];
  return { sent, services: new ServiceChannel((m) => sent.push(m)) };
}

/** A promise the test settles. */
function gate<T>() {
  let open!: (v: T) => void;
  const p = new Promise<T>((r) => (open = r));
  return { p, open };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("service calls belong to the job that made them", () => {
  test("a host call left running by job A, resuming after job B started, is refused and never sent as B", async () => {
    const { sent, services } = channel();
    const slow = gate<void>();
    // A host function that awaits something slow (DNS, a prompt) before calling the service.
    const lateCall: HostFn = async (ctx) => {
      await slow.p;
      return callService(ctx, "camera", "capture", [{}]);
    };

    const a = services.open(1);
    const ctxA = jobContext(a.caller);
    const left = lateCall(ctxA, []) as Promise<unknown>; // not awaited by the skill
    a.end(); // A returned; the worker ends it before answering "done"

    const b = services.open(2);
    const ctxB = jobContext(b.caller);
    slow.open(); // A's host call resumes while B runs

    const err = await rejection(left);
    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).message).toMatch(/has ended/);
    expect(sent).toEqual([]);

    // B's own calls go out as B.
    const own = callService(ctxB, "camera", "capture", [{}]);
    expect(sent).toMatchObject([{ type: "rpc", id: 2, service: "camera", method: "capture" }]);
    services.answer({ type: "rpc-result", id: 2, rpcId: sent[0]!.rpcId, ok: true, value: { ok: 1 } });
    expect(await own).toEqual({ ok: 1 });
    b.end();
  });

  test("the real browser.goto, its prompt answered only after the next job started, sends nothing", async () => {
    const { sent, services } = channel();
    const answer = gate<boolean>();
    const a = services.open(7);
    // net for the page is not granted: goto waits for the user's answer before it calls the service.
    let asked = 0;
    const ctxA = jobContext(a.caller, () => (asked++, answer.p));
    const left = BROWSER.goto(ctxA, ["http://93.184.215.14/attacker"]) as Promise<unknown>;
    await Bun.sleep(0);
    expect(asked).toBe(1);
    a.end();
    const b = services.open(8);
    jobContext(b.caller);
    answer.open(true);
    const err = await rejection(left);
    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).message).toBe("browser.goto: the call that made this request has ended");
    expect(sent.filter((m) => m.id === 8)).toEqual([]);
    expect(sent).toEqual([]);
    b.end();
  });

  test("a request in flight when its job ends fails, and its late answer is dropped", async () => {
    const { sent, services } = channel();
    const a = services.open(1);
    const inFlight = callService(jobContext(a.caller), "browser", "text", [{}]);
    expect(sent).toHaveLength(1);
    a.end();
    expect(await rejection(inFlight)).toBeInstanceOf(HostError);
    const b = services.open(2);
    const mine = callService(jobContext(b.caller), "browser", "text", [{}]);
    // The answer to A's request, arriving late (or forged with B's id), settles nothing of B's.
    services.answer({ type: "rpc-result", id: 1, rpcId: sent[0]!.rpcId, ok: true, value: "A" });
    services.answer({ type: "rpc-result", id: 2, rpcId: sent[0]!.rpcId, ok: true, value: "A" });
    services.answer({ type: "rpc-result", id: 2, rpcId: sent[1]!.rpcId, ok: true, value: "B" });
    expect(await mine).toBe("B");
    b.end();
  });

  test("a context made without a caller has no services: its service calls fail", async () => {
    const outside = createHostContext({
      policy: parsePolicy(POLICY, "p.yaml"), skill: { name: "tester", permissions: {} }, home: "/x",
      limits: DEFAULT_LIMITS, deadline: Date.now() + 1000, ask: async () => false,
    });
    expect(outside.services).toBeUndefined();
    const err = await rejection(callService(outside, "camera", "capture", [{}]));
    expect((err as HostError).message).toMatch(/not available outside a sandboxed call/);
  });

  test("a refusal from the service is a recorded denial for the job's own context", async () => {
    const { sent, services } = channel();
    const a = services.open(3);
    const ctx = jobContext(a.caller);
    const p = callService(ctx, "browser", "goto", [{ url: "http://x/" }]);
    services.answer({
      type: "rpc-result", id: 3, rpcId: sent[0]!.rpcId, ok: false,
      error: { message: "refused", code: "permission_denied", denial: { request: { kind: "net", value: "x:80" }, decision: { decision: "deny", rule: "policy", reason: "no" } } },
    });
    const err = await rejection(p);
    expect((err as Error).name).toBe("PermissionDenied");
    expect(ctx.denials).toMatchObject([{ kind: "net", value: "x:80" }]);
    a.end();
  });
});
