// One skill call in a fresh QuickJS runtime and context, inside a worker. The runtime carries
// the call's limits; nothing survives the call (the runtime is disposed), so prototype
// pollution or globals left by one call are never seen by the next.
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten-core";
import { moltError, type ErrorCode, type MoltError } from "../contracts/errors.ts";
import type { SandboxLimits, SandboxOutcome } from "../contracts/sandbox.ts";
import { createBridge, type Bridge } from "./bridge.ts";
import { memoryError, outputError, skillError, stackError, timeoutError } from "./errors.ts";
import { createHostContext, HOST_API, type HostContextOptions } from "./host/index.ts";
import type { HostContext } from "./host/types.ts";
import { LogSink } from "./log-sink.ts";
import { skillModules } from "./module-loader.ts";
import { FETCH_SOURCE, PRELUDE_FILE, PRELUDE_SOURCE } from "./prelude.ts";

// QuickJS compiles the prelude in every fresh context; without comments and indentation that is
// about a fifth faster. Done once per worker; the readable source is the fallback. (The
// prelude is evaluated in strict mode, so the directive the minifier drops changes nothing.)
const PRELUDE_COMPACT = compact(PRELUDE_SOURCE);

function compact(source: string): string {
  const head = "export default ";
  try {
    const out = new Bun.Transpiler({ loader: "js", minifyWhitespace: true }).transformSync(head + source).trim();
    if (!out.startsWith(head)) return source;
    return out.slice(head.length).replace(/;$/, "");
  } catch {
    return source;
  }
}
import type { SandboxJob } from "./types.ts";

/**
 * Largest QuickJS stack we grant. Bun runs WASM on the worker thread's native stack, which is
 * smaller than QuickJS's own accounting assumes: around 600 KiB of QuickJS stack a cold worker
 * overflows the host stack instead of raising a clean "stack overflow". 256 KiB (~1300 plain
 * JS frames) keeps a wide margin; a host overflow is still caught and recycles the worker.
 */
/** Host error codes a call may end with when the skill lets the host's error escape. Anything
 *  else (and any error a skill builds itself) is a skill_error. */
const HOST_CODES = new Set<ErrorCode>(["not_found", "invalid_config", "timeout", "output_limit", "unauthorized", "rate_limited", "provider_error"]);

export const STACK_CAP = 256 * 1024;

export interface Executed {
  outcome: SandboxOutcome;
  /** True when the QuickJS module may be damaged and the worker should be replaced. */
  recycle: boolean;
  /** For a successful call, disposing the runtime is left to the caller, to do after the
   *  answer is on its way (it takes as long as the call itself). True = QuickJS complained. */
  cleanup?: () => boolean;
}

type Escape = { escaped: number };
type Internals = { run: QuickJSHandle; serialize: QuickJSHandle; errorInfo: QuickJSHandle; parse: QuickJSHandle };

/**
 * A fresh runtime and context with the prelude evaluated and no skill code run yet. A worker
 * prepares the next one while it is idle, so a call does not wait for the prelude's compile;
 * each is used for exactly one call and then disposed.
 */
export interface Prepared {
  rt: QuickJSRuntime;
  ctx: QuickJSContext;
  bridge: Bridge;
  internals: Internals;
  handles: QuickJSHandle[];
}

export function prepare(mod: QuickJSWASMModule): Prepared {
  const rt = mod.newRuntime();
  const ctx = rt.newContext();
  const bridge = createBridge(ctx, { api: HOST_API });
  const handles: QuickJSHandle[] = [];
  const keep = (h: QuickJSHandle) => (handles.push(h), h);
  try {
    const prelude = keep(ctx.unwrapResult(ctx.evalCode(PRELUDE_COMPACT, PRELUDE_FILE, { type: "global", strict: true })));
    const fetchSource = keep(ctx.newString(FETCH_SOURCE));
    const api = keep(ctx.unwrapResult(ctx.callFunction(prelude, ctx.undefined, bridge.call, bridge.call1, bridge.log, fetchSource)));
    const internals: Internals = {
      run: keep(ctx.getProp(api, "run")),
      serialize: keep(ctx.getProp(api, "serialize")),
      errorInfo: keep(ctx.getProp(api, "errorInfo")),
      parse: keep(ctx.getProp(api, "parse")),
    };
    return { rt, ctx, bridge, internals, handles };
  } catch (err) {
    discard({ rt, ctx, bridge, handles, internals: undefined as never });
    throw err;
  }
}

/** Disposes a prepared runtime; true when QuickJS complained (the module should not be reused). */
export function discard(p: Prepared): boolean {
  p.bridge.dispose();
  try {
    for (const h of p.handles) if (h.alive) h.dispose();
    p.ctx.dispose();
    p.rt.dispose();
    return false;
  } catch {
    return true; // a leaked handle aborts QuickJS: do not reuse the module
  }
}

export async function execute(
  mod: QuickJSWASMModule, job: SandboxJob, deadline: number, ask: HostContext["ask"], askSync?: HostContextOptions["askSync"],
  warm?: Prepared,
): Promise<Executed> {
  const started = performance.now();
  const { limits } = job;
  const logs = new LogSink();
  const host = createHostContext({
    policy: job.policy,
    skill: { name: job.skill.name, permissions: job.skill.permissions },
    home: job.home,
    limits,
    deadline,
    credentials: job.credentials,
    mail: job.mail,
    ask,
    askSync,
  });
  // Which recorded denial escaped the skill uncaught (-1: none); all others were caught.
  const state: Escape = { escaped: -1 };
  const done = (error: MoltError | null, output?: unknown, recycle = false): Executed => {
    const denials = host.denials.map((d, i) => ({ ...d, caught: i !== state.escaped }));
    return {
      outcome: {
        result: error ? { ok: false, error } : { ok: true, output },
        logs: logs.result(),
        denials,
        durationMs: performance.now() - started,
      },
      recycle,
    };
  };

  let modules;
  try {
    modules = skillModules(job.skill.dir, job.skill.implementation);
  } catch (err) {
    if (warm) discard(warm);
    return done(moltError("invalid_manifest", `skill ${job.skill.name}: the implementation ${(err as Error).message.replace(/^cannot import /, "")}`));
  }

  const stackBytes = Math.min(limits.stackBytes, STACK_CAP);
  let prepared: Prepared;
  try {
    prepared = warm ?? prepare(mod);
  } catch (err) {
    return done(moltError("internal", `sandbox failure: ${(err as Error)?.message ?? String(err)}`), undefined, true);
  }
  const { rt, ctx, bridge, internals } = prepared;
  const handles = prepared.handles;
  const keep = (h: QuickJSHandle) => (handles.push(h), h);
  rt.setMemoryLimit(limits.memoryBytes);
  rt.setMaxStackSize(stackBytes);
  rt.setInterruptHandler(() => Date.now() > deadline);
  rt.setModuleLoader(modules.load, modules.normalize);
  bridge.bind(host, logs);

  const finish = (r: Executed): Executed => {
    if (r.outcome.result.ok) return { ...r, cleanup: () => discard(prepared) };
    return discard(prepared) ? { ...r, recycle: true } : r;
  };

  try {
    const params = keep(parseIn(ctx, internals, JSON.stringify(job.params ?? null)));
    const callCtx = keep(parseIn(ctx, internals, JSON.stringify({ skill: { name: job.skill.name, version: job.skill.version } })));
    const entry = keep(ctx.newString("." + modules.entry));
    const started = ctx.callFunction(internals.run, ctx.undefined, entry, params, callCtx);
    if (started.error) {
      keep(started.error);
      return finish(done(describeFailure(ctx, rt, internals, started.error, limits, deadline, state, stackBytes)));
    }
    const promise = keep(started.value);
    const r = await settle(ctx, rt, bridge, promise, deadline);
    if (r === "timeout") return finish(done(timeoutError(limits)));
    if (r.error) {
      keep(r.error);
      return finish(done(describeFailure(ctx, rt, internals, r.error, limits, deadline, state, stackBytes)));
    }
    keep(r.value);
    return finish(serializeResult(ctx, rt, internals, r.value, limits, deadline, state, stackBytes, done));
  } catch (err) {
    // Thrown by the host side of QuickJS itself: the WASM ran out of native stack, or aborted.
    // The runtime's state is unknown, so it is abandoned and the worker replaced.
    bridge.dispose();
    if (err instanceof RangeError) return done(stackError(stackBytes), undefined, true);
    return done(moltError("internal", `sandbox failure: ${(err as Error)?.message ?? String(err)}`), undefined, true);
  }
}

function parseIn(ctx: QuickJSContext, internals: Internals, json: string): QuickJSHandle {
  return ctx.newString(json).consume((s) => ctx.unwrapResult(ctx.callFunction(internals.parse, ctx.undefined, s)));
}

type Settled = "timeout" | { value: QuickJSHandle; error?: undefined } | { error: QuickJSHandle; value?: undefined };

/** Runs QuickJS jobs until the skill's promise settles, host promises feeding it, or the deadline. */
function settle(ctx: QuickJSContext, rt: QuickJSRuntime, bridge: Bridge, promise: QuickJSHandle, deadline: number): Promise<Settled> {
  return new Promise<Settled>((resolve, reject) => {
    let over = false;
    const end = (r: Settled) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      bridge.onSettle = () => {};
      resolve(r);
    };
    const pump = () => {
      if (over) return;
      try {
        const jobs = rt.executePendingJobs(-1);
        if (jobs.error) return end({ error: jobs.error });
        const state = ctx.getPromiseState(promise);
        if (state.type === "fulfilled") return end({ value: state.value });
        if (state.type === "rejected") return end({ error: state.error });
        if (Date.now() > deadline) return end("timeout");
      } catch (err) {
        over = true;
        clearTimeout(timer);
        reject(err);
      }
    };
    // A never-settling promise (or a hung host call) ends here, not in the main thread's backstop.
    const timer = setTimeout(() => end("timeout"), Math.max(0, deadline - Date.now()));
    bridge.onSettle = pump;
    pump();
  });
}

function describeFailure(
  ctx: QuickJSContext, rt: QuickJSRuntime, internals: Internals, error: QuickJSHandle,
  limits: SandboxLimits, deadline: number, state: Escape, stackBytes: number,
): MoltError {
  if (Date.now() > deadline) return timeoutError(limits);
  rt.setMemoryLimit(-1); // room to describe an out-of-memory error; the runtime is discarded after
  let info: { denial: number; name: string; message: string; code?: string } = { denial: -1, name: "Error", message: "the skill failed with an error that cannot be described" };
  const r = ctx.callFunction(internals.errorInfo, ctx.undefined, error);
  if (r.error) r.error.dispose();
  else info = JSON.parse(r.value.consume((v) => ctx.getString(v)));
  if (info.name === "InternalError" && /^(out of memory|string too long)$/.test(info.message)) return memoryError(limits);
  if (info.name === "InternalError" && info.message === "stack overflow") return stackError(stackBytes);
  if (info.name === "InternalError" && info.message === "interrupted") return timeoutError(limits);
  if (info.denial >= 0) {
    state.escaped = info.denial;
    return moltError("permission_denied", info.message);
  }
  if (info.code && HOST_CODES.has(info.code as ErrorCode)) return moltError(info.code as ErrorCode, info.message);
  return skillError(info.name, info.message);
}

function serializeResult(
  ctx: QuickJSContext, rt: QuickJSRuntime, internals: Internals, value: QuickJSHandle, limits: SandboxLimits,
  deadline: number, state: Escape, stackBytes: number,
  done: (e: MoltError | null, output?: unknown) => Executed,
): Executed {
  const r = ctx.newNumber(limits.outputBytes).consume((n) => ctx.callFunction(internals.serialize, ctx.undefined, value, n));
  if (r.error) {
    const e = r.error;
    const err = describeFailure(ctx, rt, internals, e, limits, deadline, state, stackBytes);
    e.dispose();
    return done(err);
  }
  const parts = r.value.consume((v) => readSerialized(ctx, v));
  if (parts === null || parts.reduce((n, p) => n + Buffer.byteLength(p), 0) > limits.outputBytes) return done(outputError(limits));
  const [json, ...long] = parts as [string, ...string[]];
  if (long.length === 0) return done(null, JSON.parse(json));
  return done(null, JSON.parse(json, (_k, x) => {
    if (x !== null && typeof x === "object" && !Array.isArray(x) && Object.hasOwn(x, LONG_MARK) && Object.keys(x).length === 1) return long[x[LONG_MARK]];
    return x;
  }));
}

const LONG_MARK = "\u0000s";

/** The prelude's serialize result: a JSON string, or [json, ...long strings]; null = too big. */
function readSerialized(ctx: QuickJSContext, v: QuickJSHandle): string[] | null {
  const type = ctx.typeof(v);
  if (type === "string") return [ctx.getString(v)];
  if (type !== "object") return null;
  const n = ctx.getProp(v, "length").consume((h) => ctx.getNumber(h));
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(ctx.getProp(v, i).consume((h) => ctx.getString(h)));
  return out;
}
