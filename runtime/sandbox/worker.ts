// Worker entry: loads the QuickJS WASM module once, then runs one job at a time in a fresh
// runtime/context. Permission prompts go to the main thread and come back as "answer".
import variant from "@jitl/quickjs-wasmfile-release-sync";
import { workerData } from "node:worker_threads";
import { newQuickJSWASMModuleFromVariant, newVariant } from "quickjs-emscripten-core";
import { moltError } from "../contracts/errors.ts";
import { discard, execute, precompile, prepare, skillKey, type Prepared } from "./execute.ts";
import { useFastStrings } from "./fast-strings.ts";
import { checkedMalloc, heapCap } from "./heap-cap.ts";
import type { HostContext } from "./host/types.ts";
import { POLICIES_KEPT, type FromWorker, type SandboxJob, type ToWorker } from "./types.ts";
import { sealPolicy, type Policy } from "../../policy/decide.ts";
import type { PermissionDecision, PermissionRequest } from "../contracts/permissions.ts";
import { ServiceChannel } from "../services/worker-calls.ts";

declare const self: Worker;

const send = (msg: FromWorker) => self.postMessage(msg);
/** Ends call `id` with an internal error; this worker is not to be trusted with another. */
const sendFailure = (id: number, message: string) =>
  send({ type: "done", id, outcome: { result: { ok: false, error: moltError("internal", message) }, logs: [], denials: [], durationMs: 0 }, recycle: true });
const asks = new Map<number, (allow: boolean) => void>();
let nextAsk = 1;
// Main-process services (browser, camera, memory): each job's requests carry its id, and end with it.
const services = new ServiceChannel(send);
// The policies the pool sent, by id, oldest first; the pool keeps the same list (PolicyRef).
const policies = new Map<number, Policy>();

// The compiled QuickJS WASM: from the pool when an earlier worker compiled it (see "ready"), so
// only the pool's first worker pays the compile (~20 ms); a later one just instantiates it.
const given: unknown = (workerData as { wasm?: unknown } | null)?.wasm;
const wasm = given instanceof WebAssembly.Module
  ? given
  : await WebAssembly.compile(await Bun.file(Bun.resolveSync("@jitl/quickjs-wasmfile-release-sync/wasm", import.meta.dir)).arrayBuffer());

// QuickJS asserts on a leak at runtime disposal (some interrupted allocations leak inside
// QuickJS itself); execute() then reports `recycle` and this worker is replaced. Emscripten's
// own print of that abort would only be noise on the host's stderr.
// Each module gets a memory whose growth heapCap limits during calls (see heap-cap.ts).
const loadModule = async () => {
  const emscriptenModule = { printErr: () => {}, print: () => {}, wasmMemory: heapCap.newMemory() };
  const m = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmModule: wasm, emscriptenModule: emscriptenModule as never }));
  useFastStrings(m);
  checkedMalloc(m);
  return m;
};
let mod = await loadModule();
// Set while a module QuickJS complained about is being replaced; calls wait for the new one.
let healing: Promise<void> | null = null;

/** A call that grows the heap past this ends the worker (the WASM heap starts at 16 MiB). */
const HEAP_RESET_BYTES = 48 * 1024 * 1024;

// Fresh contexts prepared while idle (see fresh-context.ts `prepare`): a plain one for any skill, and
// for the skills this worker ran last one each with their modules already compiled, so the next
// call of the same tool skips both the prelude and its own compile. Each is used once.
const COMPILED_KEPT = 4;
let warm: Prepared | undefined;
const compiled = new Map<string, Prepared>(); // by skillKey, least recently used first
type SkillRef = SandboxJob["skill"] & { memoryBytes: number };

// True while a call runs: its awaits must not be filled with preparation work (each call ends
// by scheduling the next preparation anyway).
let busy = false;

// Two steps, so a call that arrives in between waits only for the first. The pool hears
// "prepared" when both are done (it prefers a worker that has nothing left to prepare).
const prepareNext = (last?: SkillRef) =>
  setTimeout(() => {
    if (healing || busy) return;
    try {
      warm ??= prepare(mod);
    } catch {
      // the call will prepare its own context and report the failure
    }
    if (!last) return prepared();
    setTimeout(() => {
      prepareCompiled(last);
      prepared();
    }, 0);
  }, 0);

const prepared = () => {
  if (!busy && !healing) send({ type: "prepared" });
};

function prepareCompiled(skill: SkillRef): void {
  const key = skillKey(skill);
  if (healing || busy || compiled.has(key)) return;
  try {
    const p = prepare(mod);
    if (!precompile(p, skill, skill.memoryBytes)) {
      if (discard(p)) heal();
      return;
    }
    compiled.set(key, p);
    if (compiled.size > COMPILED_KEPT) {
      const [oldest, evicted] = compiled.entries().next().value as [string, Prepared];
      compiled.delete(oldest);
      if (discard(evicted)) heal();
    }
  } catch {
    heal(); // QuickJS itself failed (a trap in the WASM): its state is unknown
  }
}

/** Replaces a QuickJS module that complained; the contexts prepared in it go with it. */
function heal(): void {
  if (healing) return;
  warm = undefined;
  compiled.clear();
  healing = loadModule().then((m) => {
    mod = m;
    healing = null;
    prepareNext();
  });
}

/** The prepared context for this job: its skill compiled if there is one, else the plain one. */
function takeWarm(job: SandboxJob): Prepared | undefined {
  const key = skillKey(job.skill);
  const own = compiled.get(key);
  if (own) {
    compiled.delete(key);
    return own;
  }
  const plain = warm;
  warm = undefined;
  return plain;
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === "answer") {
    asks.get(msg.askId)?.(msg.allow === true);
    asks.delete(msg.askId);
    return;
  }
  if (msg.type === "rpc-result") return services.answer(msg);
  const { id, deadline } = msg;
  if (msg.policy.policy) {
    policies.set(msg.policy.id, sealPolicy(msg.policy.policy));
    if (policies.size > POLICIES_KEPT) policies.delete(policies.keys().next().value as number);
  }
  const policy = policies.get(msg.policy.id);
  if (!policy) {
    // The pool and this worker disagree on what it holds: never run without the call's policy.
    return sendFailure(id, `sandbox failure: policy ${msg.policy.id} is not in this worker`);
  }
  const job: SandboxJob = { ...msg.job, policy };
  const ask: HostContext["ask"] = (request, decision) =>
    new Promise<boolean>((resolve) => {
      const askId = nextAsk++;
      asks.set(askId, resolve);
      send({ type: "ask", id, askId, request, decision });
    });
  // Blocks this worker thread (never the main one) until the main thread answers or the deadline.
  const askSync = (request: PermissionRequest, decision: PermissionDecision, until: number): boolean => {
    const sync = new SharedArrayBuffer(8);
    const cell = new Int32Array(sync);
    send({ type: "ask", id, askId: nextAsk++, request, decision, sync });
    const wait = Math.max(0, until - Date.now());
    if (Atomics.wait(cell, 0, 0, wait) === "timed-out") return false;
    return Atomics.load(cell, 1) === 1;
  };
  // This job's service caller, bound to the context execute() makes for it (never a global a late
  // host call could read after the next job began); refused once the job has ended.
  const jobServices = services.open(id);
  busy = true;
  try {
    if (healing) await healing;
    const context = takeWarm(job);
    // The heap may grow by the call's memory limit, and by nothing more (see heap-cap.ts).
    heapCap.limitGrowth(job.limits.memoryBytes);
    const executed = await execute(mod, job, deadline, ask, askSync, context, jobServices.caller).finally(() => {
      heapCap.lift();
      jobServices.end();
    });
    const { outcome, cleanup, context: ran } = executed;
    // A call that left the heap large ends this worker: a heap never shrinks, free room in it is
    // room the next call could use beyond its limit, and only ending the thread gives the memory
    // back to the system.
    const recycle = executed.recycle || heapCap.bytes > HEAP_RESET_BYTES;
    send({ type: "done", id, outcome, recycle, context: ran });
    busy = false;
    if (recycle) return;
    // The answer is on its way; now free the call's runtime. Should QuickJS object, this module
    // is not used again: a fresh one is loaded before the next call.
    if (cleanup?.()) return heal();
    // Only a skill that just ran cleanly is compiled ahead: one that fails would fail again.
    prepareNext(cleanup ? { ...job.skill, memoryBytes: job.limits.memoryBytes } : undefined);
  } catch (err) {
    jobServices.end();
    busy = false;
    sendFailure(id, `sandbox failure: ${(err as Error)?.message ?? String(err)}`);
  }
};

send({ type: "ready", wasm: given === wasm ? undefined : wasm });
prepareNext();
