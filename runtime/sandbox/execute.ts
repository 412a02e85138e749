// One skill call in a fresh QuickJS runtime and context, inside a worker. The runtime carries
// the call's limits; nothing survives the call (the runtime is disposed), so prototype
// pollution or globals left by one call are never seen by the next.
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten-core";
import { moltError, type MoltError } from "../contracts/errors.ts";
import type { Bridge } from "./bridge.ts";
import { describeFailure, serializeResult, type ContextKind, type Escape, type Executed } from "./call-result.ts";
import { memoryError, stackError, timeoutError } from "./errors.ts";
import { HeapExhausted } from "./heap-cap.ts";
import { discard, prepare, skillKey, stillCurrent, type Internals, type Prepared } from "./fresh-context.ts";
import { createHostContext, type HostContextOptions } from "./host/index.ts";
import { protectFolders } from "./host/guard.ts";
import type { HostContext } from "./host/types.ts";
import { LogSink } from "./log-sink.ts";
import { remembered, skillModules, type SkillModules } from "./module-loader.ts";
import type { SandboxJob } from "./types.ts";

export { discard, precompile, prepare, skillKey, type Prepared } from "./fresh-context.ts";
export type { ContextKind, Executed } from "./call-result.ts";

/**
 * Largest QuickJS stack we grant. Bun runs WASM on the worker thread's native stack, which is
 * smaller than QuickJS's own accounting assumes: around 600 KiB of QuickJS stack a cold worker
 * overflows the host stack instead of raising a clean "stack overflow". 256 KiB (~1300 plain
 * JS frames) keeps a wide margin; a host overflow is still caught and recycles the worker.
 */
export const STACK_CAP = 256 * 1024;

export async function execute(
  mod: QuickJSWASMModule, job: SandboxJob, deadline: number, ask: HostContext["ask"], askSync?: HostContextOptions["askSync"],
  warm?: Prepared, services?: HostContextOptions["services"],
): Promise<Executed> {
  const started = performance.now();
  const { limits } = job;
  if (job.protect) protectFolders(job.protect);
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
    services,
  });
  // Which recorded denial escaped the skill uncaught (-1: none); all others were caught.
  const state: Escape = { escaped: -1 };
  // Set when QuickJS complained while a context compiled for another call was thrown away.
  let damaged = false;
  let context: ContextKind = "cold";
  const done = (error: MoltError | null, output?: unknown, recycle = false): Executed => {
    const denials = host.denials.map((d, i) => ({ ...d, caught: i !== state.escaped }));
    const omitted = host.denialCount - denials.length;
    return {
      outcome: {
        result: error ? { ok: false, error } : { ok: true, output },
        logs: logs.result(),
        denials,
        ...(omitted > 0 ? { denialsOmitted: omitted } : {}),
        durationMs: performance.now() - started,
      },
      recycle: recycle || damaged,
      context,
    };
  };

  // A context with this skill compiled ahead is used, with the loader built for it, only while
  // its files are unchanged; one compiled for another skill (or older files) is thrown away and
  // a plain one prepared.
  let modules: SkillModules | undefined;
  let normalize: SkillModules["normalize"] | undefined;
  if (warm?.compiled) {
    if (warm.compiled.key === skillKey(job.skill) && stillCurrent(warm, job.skill.dir)) {
      modules = warm.compiled.modules;
      normalize = remembered(modules);
    }
    else {
      damaged = discard(warm);
      warm = undefined;
    }
  }
  try {
    modules ??= skillModules(job.skill.dir, job.skill.implementation);
  } catch (err) {
    if (warm) discard(warm);
    return done(moltError("invalid_manifest", `skill ${job.skill.name}: the implementation ${(err as Error).message.replace(/^cannot import /, "")}`));
  }

  const stackBytes = Math.min(limits.stackBytes, STACK_CAP);
  if (warm) context = warm.compiled ? "compiled" : "prepared";
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
  rt.setModuleLoader(modules.load, normalize ?? modules.normalize);
  bridge.bind(host, logs);

  const finish = (r: Executed): Executed => {
    if (r.outcome.result.ok) return { ...r, cleanup: () => discard(prepared) };
    return discard(prepared) ? { ...r, recycle: true } : r;
  };

  try {
    // The skill's two arguments (its params and the call's context) in one parse.
    const args = keep(parseIn(ctx, internals, JSON.stringify([job.params ?? null, { skill: { name: job.skill.name, version: job.skill.version }, deadline }])));
    const entry = keep(ctx.newString("." + modules.entry));
    const started = ctx.callFunction(internals.run, ctx.undefined, entry, args);
    if (started.error) {
      keep(started.error);
      return finish(done(describeFailure(ctx, rt, internals, started.error, limits, deadline, state, stackBytes)));
    }
    const promise = keep(started.value);
    const r = await settle(ctx, rt, bridge, promise, deadline);
    if (r === "timeout") return finish(done(timeoutError(limits)));
    // Host calls the skill started and did not await still count: their denials belong in this
    // call's outcome and audit line (the deadline still bounds the wait).
    await bridge.idle(deadline);
    if (r.error) {
      keep(r.error);
      return finish(done(describeFailure(ctx, rt, internals, r.error, limits, deadline, state, stackBytes)));
    }
    keep(r.value);
    return finish(serializeResult(ctx, rt, internals, r.value, limits, deadline, state, stackBytes, bridge.readLong, done));
  } catch (err) {
    // Thrown by the host side of QuickJS itself: the WASM ran out of native stack, or aborted.
    // The runtime's state is unknown, so it is abandoned and the worker replaced.
    bridge.dispose();
    if (err instanceof HeapExhausted) return done(memoryError(limits), undefined, true);
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

