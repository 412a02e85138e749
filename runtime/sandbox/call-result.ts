// How a call ends: a thrown value described as a MoltError, or the result serialised out of
// QuickJS (long strings beside the JSON) within the output limit.
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from "quickjs-emscripten-core";
import { moltError, type ErrorCode, type MoltError } from "../contracts/errors.ts";
import type { SandboxLimits, SandboxOutcome } from "../contracts/sandbox.ts";
import { depthError, memoryError, outputError, skillError, stackError, timeoutError } from "./errors.ts";
import { nestsDeeperThan } from "../contracts/json-depth.ts";
import { fromWire, type Bridge } from "./bridge.ts";
import { heapCap } from "./heap-cap.ts";
import { jsonSafe } from "../audit/redact.ts";
import type { Internals } from "./fresh-context.ts";

export interface Executed {
  outcome: SandboxOutcome;
  /** True when the QuickJS module may be damaged and the worker should be replaced. */
  recycle: boolean;
  /** For a successful call, disposing the runtime is left to the caller, to do after the
   *  answer is on its way (it takes as long as the call itself). True = QuickJS complained. */
  cleanup?: () => boolean;
  /** What the call ran in: a context with its skill compiled ahead, a plain prepared one, or
   *  one prepared on the spot (see worker.ts). */
  context?: ContextKind;
}

export type ContextKind = "compiled" | "prepared" | "cold";

/** Which recorded denial escaped the skill uncaught (-1: none); all others were caught. */
export type Escape = { escaped: number };

/** Host error codes a call may end with when the skill lets the host's error escape. Anything
 *  else (and any error a skill builds itself) is a skill_error. */
const HOST_CODES = new Set<ErrorCode>(["not_found", "invalid_params", "invalid_config", "timeout", "output_limit", "unauthorized", "rate_limited", "provider_error"]);

export function describeFailure(
  ctx: QuickJSContext, rt: QuickJSRuntime, internals: Internals, error: QuickJSHandle,
  limits: SandboxLimits, deadline: number, state: Escape, stackBytes: number,
): MoltError {
  if (Date.now() > deadline) return timeoutError(limits);
  // Room to describe an out-of-memory error; the runtime is discarded after.
  rt.setMemoryLimit(-1);
  heapCap.lift();
  let info: { denial: number; name: string; message: string; code?: string } = { denial: -1, name: "Error", message: "the skill failed with an error that cannot be described" };
  const r = ctx.callFunction(internals.errorInfo, ctx.undefined, error);
  if (r.error) r.error.dispose();
  else info = JSON.parse(r.value.consume((v) => ctx.getString(v)));
  if (info.name === "InternalError" && /^(out of memory|string too long)$/.test(info.message)) return memoryError(limits);
  // A host-side copy into the heap failed at the cap (see heap-cap.ts): the same limit.
  if (heapCap.hit && info.message === "out of memory") return memoryError(limits);
  if (info.name === "InternalError" && info.message === "stack overflow") return stackError(stackBytes);
  if (info.name === "InternalError" && info.message === "interrupted") return timeoutError(limits);
  if (info.denial >= 0) {
    state.escaped = info.denial;
    return moltError("permission_denied", info.message);
  }
  if (info.code && HOST_CODES.has(info.code as ErrorCode)) return moltError(info.code as ErrorCode, info.message);
  return skillError(info.name, info.message);
}

export function serializeResult(
  ctx: QuickJSContext, rt: QuickJSRuntime, internals: Internals, value: QuickJSHandle, limits: SandboxLimits,
  deadline: number, state: Escape, stackBytes: number, readLong: Bridge["readLong"],
  done: (e: MoltError | null, output?: unknown) => Executed,
): Executed {
  const r = ctx.newNumber(limits.outputBytes).consume((n) => ctx.callFunction(internals.serialize, ctx.undefined, value, n));
  if (r.error) {
    const e = r.error;
    const err = describeFailure(ctx, rt, internals, e, limits, deadline, state, stackBytes);
    e.dispose();
    return done(err);
  }
  const parts = r.value.consume((v) => readSerialized(ctx, v, readLong));
  if (parts === "memory") return done(memoryError(limits));
  if (parts === null || parts.reduce((n, p) => n + Buffer.byteLength(p), 0) > limits.outputBytes) return done(outputError(limits));
  const [json, ...long] = parts as [string, ...string[]];
  // QuickJS stringifies any depth; everything after it (the audit's hash, the model's message,
  // the copy to the main thread) recurses per level.
  if (nestsDeeperThan(json)) return done(depthError());
  // QuickJS writes a lone surrogate as a \udXXX escape; such strings become well-formed (U+FFFD),
  // as long strings do in readSerialized, so a result never carries invalid UTF-16.
  const output = fromWire(json, long, LONG_MARK);
  return done(null, LONE_ESCAPE.test(json) ? jsonSafe(output) : output);
}

const LONE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** The prelude's marker for a long string in a result (its `SMARK`); results may not use it. */
const LONG_MARK = "\u0000s";

/**
 * The prelude's serialize result: a JSON string, or [json, ...long strings]; null = too big,
 * "memory" = QuickJS ran out of memory reading a long string. Long strings are read exactly as
 * arguments are (the bridge's `readLong`), then made well-formed: a lone surrogate becomes one
 * U+FFFD, as in short strings.
 */
function readSerialized(ctx: QuickJSContext, v: QuickJSHandle, readLong: Bridge["readLong"]): string[] | null | "memory" {
  const type = ctx.typeof(v);
  if (type === "string") return [ctx.getString(v)];
  if (type !== "object") return null;
  const n = ctx.getProp(v, "length").consume((h) => ctx.getNumber(h));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = ctx.getProp(v, i).consume((h) => (i === 0 ? ctx.getString(h) : readLong(h)));
    if (s === null) return "memory";
    out.push(s.isWellFormed() ? s : s.toWellFormed());
  }
  return out;
}
