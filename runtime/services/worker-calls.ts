// The worker side of the worker→main service channel. Each job gets a caller of its own, bound to
// its id, which worker.ts hands to that job's HostContext when core makes it; host functions call
// through their context, never through anything shared. So a host call a finished job left
// running (a browser.goto still waiting for DNS) speaks as that job or not at all: once the job
// has ended its caller refuses, and its requests still waiting for an answer fail. (The pool, for
// its part, serves a request only while its job is the worker's current one.) Loaded inside
// workers: nothing here may pull in Playwright or sharp.
import { denyWith } from "../sandbox/host/guard.ts";
import { HostError, type HostContext, type ServiceCaller } from "../sandbox/host/types.ts";
import type { FromWorker, ServiceFailure, ToWorker } from "../sandbox/types.ts";

export type { ServiceCaller };

type RpcRequest = Extract<FromWorker, { type: "rpc" }>;
type RpcResult = Extract<ToWorker, { type: "rpc-result" }>;

/** Thrown by a caller when the main process answered with a failure. */
export class ServiceCallFailed extends Error {
  constructor(readonly failure: ServiceFailure) {
    super(failure.message);
    this.name = "ServiceCallFailed";
  }
}

const ended = (service: string, method: string) =>
  new HostError(`${service}.${method}: the call that made this request has ended`, "internal");

/** One worker's requests to main-process services, each tagged with its job and matched to its
 *  answer by rpc id. */
export class ServiceChannel {
  readonly #send: (msg: RpcRequest) => void;
  readonly #waiting = new Map<number, { job: number; service: string; method: string; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextRpc = 1;

  constructor(send: (msg: RpcRequest) => void) {
    this.#send = send;
  }

  /** The caller for job `id`, and `end` to call when that job is over. */
  open(id: number): { caller: ServiceCaller; end: () => void } {
    let live = true;
    const caller: ServiceCaller = (service, method, args) => {
      if (!live) return Promise.reject(ended(service, method));
      return new Promise((resolve, reject) => {
        const rpcId = this.#nextRpc++;
        this.#waiting.set(rpcId, { job: id, service, method, resolve, reject });
        this.#send({ type: "rpc", id, rpcId, service, method, args });
      });
    };
    const end = () => {
      live = false;
      for (const [rpcId, w] of this.#waiting) {
        if (w.job !== id) continue;
        this.#waiting.delete(rpcId);
        w.reject(ended(w.service, w.method));
      }
    };
    return { caller, end };
  }

  /** An answer from the main thread; one for a request no longer waiting (its job ended) is dropped. */
  answer(msg: RpcResult): void {
    const w = this.#waiting.get(msg.rpcId);
    if (!w || w.job !== msg.id) return;
    this.#waiting.delete(msg.rpcId);
    if (msg.ok) w.resolve(msg.value);
    else w.reject(new ServiceCallFailed(msg.error));
  }
}

/** Calls a main-process service as the call `ctx` belongs to; a refusal there becomes a recorded
 *  denial (PermissionDenied), any other failure a HostError with the service's one-line message. */
export async function callService(ctx: HostContext, service: string, method: string, args: unknown[]): Promise<unknown> {
  const caller = ctx.services;
  if (!caller) throw new HostError(`${service}.${method} is not available outside a sandboxed call`, "internal");
  try {
    return await caller(service, method, args);
  } catch (err) {
    if (!(err instanceof ServiceCallFailed)) throw err;
    const { denial, message, code } = err.failure;
    if (denial) denyWith(ctx, denial.request, denial.decision);
    throw new HostError(message, code);
  }
}
