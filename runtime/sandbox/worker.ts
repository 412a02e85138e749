// Worker entry: loads the QuickJS WASM module once, then runs one job at a time in a fresh
// runtime/context. Permission prompts go to the main thread and come back as "answer".
import variant from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant, newVariant } from "quickjs-emscripten-core";
import { moltError } from "../contracts/errors.ts";
import { execute, prepare, type Prepared } from "./execute.ts";
import { useFastStrings } from "./fast-strings.ts";
import type { HostContext } from "./host/types.ts";
import type { FromWorker, ToWorker } from "./types.ts";
import type { PermissionDecision, PermissionRequest } from "../contracts/permissions.ts";
import { ServiceCallFailed, setServiceCaller } from "../services/worker-calls.ts";

declare const self: Worker;

const send = (msg: FromWorker) => self.postMessage(msg);
const asks = new Map<number, (allow: boolean) => void>();
let nextAsk = 1;
const rpcs = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextRpc = 1;

// QuickJS asserts on a leak at runtime disposal (some interrupted allocations leak inside
// QuickJS itself); execute() then reports `recycle` and this worker is replaced. Emscripten's
// own print of that abort would only be noise on the host's stderr.
const quiet = newVariant(variant, { emscriptenModule: { printErr: () => {}, print: () => {} } as never });
const loadModule = async () => {
  const m = await newQuickJSWASMModuleFromVariant(quiet);
  useFastStrings(m);
  return m;
};
let mod = await loadModule();
// Set while a module QuickJS complained about is being replaced; calls wait for the new one.
let healing: Promise<void> | null = null;

// The next call's fresh context, prepared while idle (see execute.ts `prepare`).
let warm: Prepared | undefined;
const prepareNext = () =>
  setTimeout(() => {
    if (warm || healing) return;
    try {
      warm = prepare(mod);
    } catch {
      warm = undefined; // the call will prepare its own and report the failure
    }
  }, 0);

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === "answer") {
    asks.get(msg.askId)?.(msg.allow === true);
    asks.delete(msg.askId);
    return;
  }
  if (msg.type === "rpc-result") {
    const waiting = rpcs.get(msg.rpcId);
    rpcs.delete(msg.rpcId);
    if (msg.ok) waiting?.resolve(msg.value);
    else waiting?.reject(new ServiceCallFailed(msg.error));
    return;
  }
  const { id, job, deadline } = msg;
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
  // Main-process services (browser, camera) for this job only; see services/worker-calls.ts.
  setServiceCaller((service, method, args) =>
    new Promise((resolve, reject) => {
      const rpcId = nextRpc++;
      rpcs.set(rpcId, { resolve, reject });
      send({ type: "rpc", id, rpcId, service, method, args });
    }));
  try {
    if (healing) await healing;
    const context = warm;
    warm = undefined;
    const { outcome, recycle, cleanup } = await execute(mod, job, deadline, ask, askSync, context);
    send({ type: "done", id, outcome, recycle });
    // The answer is on its way; now free the call's runtime. Should QuickJS object, this module
    // is not used again: a fresh one is loaded before the next call.
    if (cleanup?.()) {
      healing = loadModule().then((m) => {
        mod = m;
        healing = null;
        prepareNext();
      });
      return;
    }
    if (!recycle) prepareNext();
  } catch (err) {
    const error = moltError("internal", `sandbox failure: ${(err as Error)?.message ?? String(err)}`);
    send({ type: "done", id, outcome: { result: { ok: false, error }, logs: [], denials: [], durationMs: 0 }, recycle: true });
  }
};

send({ type: "ready" });
prepareNext();
