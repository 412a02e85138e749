// The main-thread side: a pool of Bun Workers, each running one skill call at a time. The main
// thread keeps its own timer per call and terminates a worker that overruns its deadline (an
// allocation loop can keep QuickJS from reaching its interrupt handler for seconds), so a
// runaway skill costs one worker, never the process.
import { moltError, type MoltError } from "../contracts/errors.ts";
import type { PromptHandler, SandboxOutcome } from "../contracts/sandbox.ts";
import type { ContextKind } from "./call-result.ts";
import { cancelledError, timeoutError } from "./errors.ts";
import { sealPolicy, type Policy } from "../../policy/index.ts";
import { POLICIES_KEPT, type FromWorker, type HostServices, type PolicyRef, type SandboxJob, type ServiceFailure, type ToWorker } from "./types.ts";

export interface PoolOptions {
  /** Most workers at once; default navigator.hardwareConcurrency. */
  maxWorkers?: number;
  /** A worker idle this long is retired; default 30 s. */
  idleMs?: number;
  /** Main-process services (browser, camera) host functions reach by "rpc"; default: the
   *  standard set from runtime/services, loaded on the first call that needs one. */
  services?: HostServices;
}

export interface RunOptions {
  onPrompt?: PromptHandler;
  signal?: AbortSignal;
}

interface Pending extends RunOptions {
  job: SandboxJob;
  resolve: (o: SandboxOutcome) => void;
  started?: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  current?: Pending & { id: number; timer: ReturnType<typeof setTimeout>; deadline: number };
  idle?: ReturnType<typeof setTimeout>;
  /** When it last became free (performance.now()), to hand work to the longest-idle worker. */
  freeSince?: number;
  /** Between a call's end and the worker's "prepared": it is compiling the next contexts. */
  preparing?: boolean;
  /** Ids of the policies this worker holds, oldest first (it keeps the same ones). */
  policies: number[];
}

const WORKER_URL = new URL("./worker.ts", import.meta.url);

/** Time past the deadline before the main thread gives up on the worker's own timeout. */
export const graceMs = (timeoutMs: number) => Math.max(25, Math.min(1000, timeoutMs * 0.1));

/** Whether free worker `a` should take the next call before free worker `b`. */
const earlier = (a: Slot, b: Slot): boolean =>
  a.preparing !== b.preparing ? !a.preparing : (a.freeSince ?? 0) < (b.freeSince ?? 0);

const failed = (error: MoltError, started?: number): SandboxOutcome => ({
  result: { ok: false, error },
  logs: [],
  denials: [],
  durationMs: started === undefined ? 0 : performance.now() - started,
});

export class SandboxPool {
  readonly #max: number;
  readonly #idleMs: number;
  #slots: Slot[] = [];
  #queue: Pending[] = [];
  #replaced = 0;
  #contexts: Record<ContextKind, number> = { compiled: 0, prepared: 0, cold: 0 };
  #nextId = 1;
  #closed = false;
  #services?: Promise<HostServices>;
  /** QuickJS compiled by the first worker; later workers start from it instead of compiling. */
  #wasm?: WebAssembly.Module;
  #compiles = 0;
  /** An id per policy object, so a worker is sent each policy once, not with every call. */
  #policyIds = new WeakMap<Policy, number>();
  #nextPolicyId = 1;

  constructor(opts: PoolOptions = {}) {
    this.#max = Math.max(1, opts.maxWorkers ?? navigator.hardwareConcurrency ?? 1);
    this.#idleMs = opts.idleMs ?? 30_000;
    if (opts.services) this.#services = Promise.resolve(opts.services);
  }

  /** `contexts`: how many calls ran in a context with their skill compiled ahead, in a plain
   *  prepared one, or had to prepare their own (a cold worker, or calls back to back).
   *  `compiles`: workers that compiled QuickJS's WASM themselves (1 unless started together). */
  get stats(): {
    workers: number; busy: number; queued: number; replaced: number; compiles: number; contexts: Record<ContextKind, number>;
  } {
    return {
      workers: this.#slots.length,
      busy: this.#slots.filter((s) => s.current).length,
      queued: this.#queue.length,
      replaced: this.#replaced,
      compiles: this.#compiles,
      contexts: { ...this.#contexts },
    };
  }

  run(job: SandboxJob, opts: RunOptions = {}): Promise<SandboxOutcome> {
    return new Promise<SandboxOutcome>((resolve) => {
      if (this.#closed) return resolve(failed(moltError("internal", "the sandbox pool is closed")));
      if (opts.signal?.aborted) return resolve(failed(cancelledError()));
      const pending: Pending = { job, ...opts, resolve };
      opts.signal?.addEventListener("abort", () => this.#cancel(pending), { once: true });
      this.#queue.push(pending);
      this.#dispatch();
    });
  }

  /**
   * Starts a worker now if none is running, for a call that is likely soon: the agent calls
   * this as a turn with tools begins, so while the model thinks (hundreds of milliseconds) the
   * worker loads and prepares a context, and the first tool call does not wait ~40 ms for it.
   * An unused worker retires like any idle one.
   */
  warm(): void {
    if (this.#closed || this.#slots.length > 0) return;
    this.#spawn();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const closed = moltError("internal", "the sandbox pool was closed before the call finished");
    for (const p of this.#queue.splice(0)) p.resolve(failed(closed));
    for (const slot of this.#slots.splice(0)) {
      clearTimeout(slot.idle);
      if (slot.current) {
        clearTimeout(slot.current.timer);
        slot.current.resolve(failed(closed, slot.current.started));
      }
      slot.worker.terminate();
    }
    const services = this.#services;
    this.#services = undefined;
    await services?.then((s) => s.close()).catch(() => {});
  }

  #dispatch(): void {
    if (this.#closed) return;
    let spare = false;
    while (this.#queue.length > 0) {
      // A worker with its next contexts ready, else the one idle the longest.
      let slot: Slot | undefined;
      for (const s of this.#slots) if (s.ready && !s.current && (!slot || earlier(s, slot))) slot = s;
      if (!slot) break;
      // Calls come faster than this worker prepares between them: start a second one, and
      // later calls alternate (each worker prepares while the other runs).
      if (slot.preparing) spare = true;
      this.#assign(slot, this.#queue.shift()!);
    }
    const starting = this.#slots.filter((s) => !s.ready).length;
    let wanted = Math.max(this.#queue.length, spare ? 1 : 0) - starting;
    while (wanted-- > 0 && this.#slots.length < this.#max) this.#spawn();
  }

  #assign(slot: Slot, p: Pending): void {
    clearTimeout(slot.idle);
    const id = this.#nextId++;
    const { timeoutMs } = p.job.limits;
    p.started = performance.now();
    const deadline = Date.now() + timeoutMs;
    // The backstop: a worker that has not answered shortly after the deadline is terminated.
    const timer = setTimeout(() => this.#kill(slot, timeoutError(p.job.limits)), timeoutMs + graceMs(timeoutMs));
    slot.current = { ...p, id, timer, deadline };
    const { policy, ...job } = p.job;
    this.#post(slot, { type: "run", id, job, policy: this.#policyRef(slot, policy), deadline });
  }

  /**
   * The policy by id when this worker already holds it, else the policy itself. A policy is
   * sealed (deep-frozen) when first seen: a worker's copy must never differ from the object
   * callers check, and decisions taken under it may be kept (see host/context.ts).
   */
  #policyRef(slot: Slot, policy: Policy): PolicyRef {
    let id = this.#policyIds.get(policy);
    if (id === undefined) {
      id = this.#nextPolicyId++;
      this.#policyIds.set(sealPolicy(policy), id);
    }
    if (slot.policies.includes(id)) return { id };
    slot.policies.push(id);
    if (slot.policies.length > POLICIES_KEPT) slot.policies.shift();
    return { id, policy };
  }

  #spawn(): Slot {
    // env.get reads the worker's environment: give it the host process's current one.
    const workerData = this.#wasm ? { wasm: this.#wasm } : undefined;
    const worker = new Worker(WORKER_URL, { env: { ...process.env }, workerData } as WorkerOptions);
    const slot: Slot = { worker, ready: false, policies: [] };
    worker.unref(); // an idle pool never keeps the process alive; a running call's timer does
    worker.addEventListener("message", (e: MessageEvent<FromWorker>) => this.#onMessage(slot, e.data));
    worker.addEventListener("error", (e: ErrorEvent) => this.#onCrash(slot, e.message));
    worker.addEventListener("close", () => this.#onCrash(slot, "the worker exited"));
    this.#slots.push(slot);
    return slot;
  }

  #onMessage(slot: Slot, msg: FromWorker): void {
    if (!this.#slots.includes(slot)) return;
    if (msg.type === "ready") {
      if (msg.wasm instanceof WebAssembly.Module) {
        this.#compiles++;
        this.#wasm ??= msg.wasm;
      }
      slot.ready = true;
      this.#idle(slot);
      return this.#dispatch();
    }
    if (msg.type === "prepared") {
      slot.preparing = false;
      return;
    }
    const cur = slot.current;
    if (!cur || cur.id !== msg.id) return;
    if (msg.type === "ask") {
      void this.#ask(cur.onPrompt, msg).then((allow) => {
        if (slot.current?.id !== msg.id) return;
        if (msg.sync) {
          const cell = new Int32Array(msg.sync);
          Atomics.store(cell, 1, allow ? 1 : 0);
          Atomics.store(cell, 0, 1);
          Atomics.notify(cell, 0);
        } else {
          this.#post(slot, { type: "answer", id: msg.id, askId: msg.askId, allow });
        }
      });
      return;
    }
    if (msg.type === "rpc") {
      void this.#serve(cur, msg).then((reply) => {
        if (slot.current?.id === msg.id) this.#post(slot, reply);
      });
      return;
    }
    clearTimeout(cur.timer);
    slot.current = undefined;
    this.#ended(cur);
    if (msg.context) this.#contexts[msg.context]++;
    cur.resolve(msg.outcome);
    if (msg.recycle) this.#replace(slot);
    else {
      slot.preparing = true;
      this.#idle(slot);
    }
    this.#dispatch();
  }

  /** A missing handler, a throw or anything but `true` denies (fail closed). */
  async #ask(onPrompt: PromptHandler | undefined, msg: Extract<FromWorker, { type: "ask" }>): Promise<boolean> {
    if (!onPrompt) return false;
    try {
      return (await onPrompt(msg.request, msg.decision)) === true;
    } catch {
      return false;
    }
  }

  /** One service call, with the call's identity taken from the pool's own copy of the job. */
  async #serve(cur: NonNullable<Slot["current"]>, msg: Extract<FromWorker, { type: "rpc" }>): Promise<ToWorker> {
    const base = { type: "rpc-result" as const, id: msg.id, rpcId: msg.rpcId };
    try {
      if (this.#closed) throw { message: "the sandbox pool is closed", code: "internal" };
      this.#services ??= import("../services/index.ts").then((m) => m.createHostServices());
      const services = await this.#services;
      const { job } = cur;
      const call = {
        session: job.session ?? `call:${cur.id}`, skill: job.skill, policy: job.policy, home: job.home, deadline: cur.deadline,
        ...(job.user !== undefined ? { user: job.user } : {}),
      };
      return { ...base, ok: true, value: await services.call(msg.service, msg.method, msg.args, call) };
    } catch (err) {
      const f = err as Partial<ServiceFailure> | null;
      const failure: ServiceFailure =
        f && typeof f.message === "string" && typeof f.code === "string"
          ? { message: f.message, code: f.code, ...(f.denial ? { denial: f.denial } : {}) }
          : { message: `${msg.service}.${msg.method} failed unexpectedly`, code: "internal" };
      return { ...base, ok: false, error: failure };
    }
  }

  /** A call without a session owns its service state (a browser page) only until it ends. */
  #ended(cur: NonNullable<Slot["current"]>): void {
    if (cur.job.session === undefined) void this.#services?.then((s) => s.release(`call:${cur.id}`)).catch(() => {});
  }

  #onCrash(slot: Slot, why: string): void {
    if (!this.#slots.includes(slot)) return;
    const cur = slot.current;
    this.#remove(slot);
    if (cur) {
      this.#ended(cur);
      clearTimeout(cur.timer);
      cur.resolve(failed(moltError("internal", `the sandbox worker crashed: ${why}`), cur.started));
    } else if (!slot.ready) {
      // A worker that cannot even start would be respawned forever; fail one waiting call instead.
      this.#queue.shift()?.resolve(failed(moltError("internal", `the sandbox worker failed to start: ${why}`)));
    }
    this.#replaced++;
    this.#dispatch();
  }

  #kill(slot: Slot, error: MoltError): void {
    const cur = slot.current;
    if (!cur) return;
    clearTimeout(cur.timer);
    slot.current = undefined;
    this.#ended(cur);
    cur.resolve(failed(error, cur.started));
    this.#replace(slot);
    this.#dispatch();
  }

  #cancel(p: Pending): void {
    const queued = this.#queue.indexOf(p);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      return p.resolve(failed(cancelledError()));
    }
    const slot = this.#slots.find((s) => s.current?.resolve === p.resolve);
    if (slot) this.#kill(slot, cancelledError());
  }

  /** Terminates a worker whose state is no longer trusted and starts a fresh one at once. */
  #replace(slot: Slot): void {
    this.#remove(slot);
    this.#replaced++;
    if (!this.#closed) this.#idle(this.#spawn());
  }

  #remove(slot: Slot): void {
    clearTimeout(slot.idle);
    this.#slots = this.#slots.filter((s) => s !== slot);
    slot.worker.terminate();
  }

  #idle(slot: Slot): void {
    slot.freeSince = performance.now();
    clearTimeout(slot.idle);
    slot.idle = setTimeout(() => {
      if (!slot.current && this.#slots.includes(slot)) this.#remove(slot);
    }, this.#idleMs);
    slot.idle.unref();
  }

  #post(slot: Slot, msg: ToWorker): void {
    slot.worker.postMessage(msg);
  }
}
