// The host half of the bridge: the two QuickJS functions the prelude receives (`call`, `log`).
// Only data crosses: a JSON string plus ArrayBuffer copies and long strings beside it, in and
// out. No host object or function is ever handed to the sandbox, so `constructor.constructor`
// on anything the skill can reach stays inside QuickJS.
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle } from "quickjs-emscripten-core";
import type { DenialRecord } from "../contracts/sandbox.ts";
import { CORE_API } from "./core-api.ts";
import { HostDenied, HostError, type HostApi, type HostContext, type HostFn } from "./host/types.ts";
import type { LogSink } from "./log-sink.ts";
import { BESIDE_CHARS } from "./prelude.ts";

const MARK = "\u0000b";

/** Host calls a skill may have running at once (fetches, file reads, commands, …). */
export const MAX_IN_FLIGHT = 16;
/** Calls that may wait for one of those to end; beyond these a call fails at once. */
export const MAX_WAITING = 4096;

export interface Bridge {
  call: QuickJSHandle;
  /** `call` for the common one-string-argument case (env.get, fs.readTextFile): no JSON. */
  call1: QuickJSHandle;
  log: QuickJSHandle;
  /** Called after any host promise settles, so the caller can run pending QuickJS jobs. */
  onSettle: () => void;
  /** Attaches the call's host context and log sink; until then every host call fails. */
  bind(host: BoundHost, logs: LogSink): void;
  /**
   * A long string from the sandbox, exactly (argument or result), or null when QuickJS ran out
   * of memory reading it: see `readLong` in createBridge.
   */
  readLong(h: QuickJSHandle): string | null;
  /**
   * Resolves once no host call the skill started is still running (or at `until`, ms since the
   * epoch); calls still waiting for a slot are dropped, never started. So a call that returns
   * before its host calls end still has their denials in its outcome and audit line.
   */
  idle(until: number): Promise<void>;
  /** Disposes promises still waiting for a host result (a call that ended before they did). */
  dispose(): void;
}

type BoundHost = HostContext & { readonly denials: DenialRecord[]; readonly denialCount: number };

export interface BridgeOptions {
  api: HostApi;
  host?: BoundHost;
  logs?: LogSink;
}

export function createBridge(ctx: QuickJSContext, opts: BridgeOptions): Bridge {
  const pending = new Set<QuickJSDeferredPromise>();
  let alive = true;
  let denialsSeen = 0;

  // Host calls sit in skills' loops (env.get): resolve each name once per call.
  const resolved = new Map<string, HostFn | undefined>();
  const lookup = (name: string): HostFn | undefined => {
    if (resolved.has(name)) return resolved.get(name);
    const fn = find(name);
    resolved.set(name, fn);
    return fn;
  };
  const find = (name: string): HostFn | undefined => {
    const dot = name.indexOf(".");
    const group = name.slice(0, dot);
    const fnName = name.slice(dot + 1);
    const table = group === "core" ? CORE_API : Object.hasOwn(opts.api, group) ? opts.api[group] : undefined;
    return table && Object.hasOwn(table, fnName) ? table[fnName] : undefined;
  };

  // A host error becomes a plain marker object; the prelude turns it into PermissionDenied/Error.
  const errorHandle = (err: unknown): QuickJSHandle => {
    let denial = -1;
    let message: string;
    // The host's error code (HostError, service failures) travels with the error, so a call that
    // ends on it reports e.g. `not_found` or `timeout` rather than a generic skill_error.
    const code = typeof (err as { code?: unknown })?.code === "string" ? (err as { code: string }).code : undefined;
    if (err instanceof HostDenied && opts.host) {
      const host = opts.host;
      if (host.denialCount <= denialsSeen) {
        host.recordDenial({ kind: err.request.kind, value: err.request.value, rule: err.decision.rule, caught: true });
      }
      // Its place in the list: the newest is always last (see MAX_DENIALS_LISTED).
      denial = host.denials.length - 1;
      denialsSeen = host.denialCount;
      message = err.message;
    } else {
      message = err instanceof Error ? err.message : String(err);
    }
    // TypeError, RangeError and SyntaxError from the host (Bun's own checks) keep their class.
    const name = err instanceof TypeError ? "TypeError" : err instanceof RangeError ? "RangeError" : err instanceof SyntaxError ? "SyntaxError" : undefined;
    return toHandle(ctx, { __moltHost: 1, denial, message: message.slice(0, 2000), ...(code && denial < 0 ? { code } : {}), ...(name && denial < 0 ? { name } : {}) });
  };

  // Host calls the skill awaits run at most MAX_IN_FLIGHT at a time; more wait their turn, with
  // their arguments still in QuickJS (each running call may hold host memory: a fetch body can
  // be 10 MiB). Calls the prelude makes synchronously (core.*, env.get) never wait, nor do fs.*
  // calls: allowed, they finish before returning; while a prompt is open they hold nothing.
  let running = 0;
  const waiting: { held: QuickJSHandle[]; start: () => void }[] = [];
  let whenIdle: (() => void) | null = null;
  const startWaiting = () => {
    while (alive && running < MAX_IN_FLIGHT && waiting.length > 0) waiting.shift()!.start();
  };

  /** Settles `deferred` (once, while the bridge lives) with a host result or error. */
  const settler = (deferred: QuickJSDeferredPromise) => (ok: boolean, value: unknown) => {
    if (!alive) return;
    pending.delete(deferred);
    let h: QuickJSHandle;
    try {
      h = ok ? toHandle(ctx, value) : errorHandle(value);
    } catch (err) {
      ok = false;
      h = errorHandle(err);
    }
    if (ok) deferred.resolve(h);
    else deferred.reject(h);
    h.dispose();
    deferred.dispose();
    bridge.onSettle();
  };

  /** A host call's promise, counted as running until it settles (which may start a waiting call). */
  const track = (result: Promise<unknown>, settle: (ok: boolean, value: unknown) => void) => {
    running++;
    const done = (ok: boolean, v: unknown) => {
      running--;
      if (running === 0 && whenIdle) whenIdle();
      startWaiting();
      settle(ok, v);
    };
    result.then((v) => done(true, v), (e) => done(false, e));
  };

  const newDeferred = () => {
    const deferred = ctx.newPromise();
    pending.add(deferred);
    return deferred;
  };

  const invoke = (nameH: QuickJSHandle, argHs: QuickJSHandle[], read: (hs: QuickJSHandle[]) => unknown[]) => {
    const name = ctx.getString(nameH);
    const fn = lookup(name);
    const host = opts.host;
    if (!fn || !host) return { error: errorHandle(new Error(`${name} is not available in this sandbox`)) };
    const mayWait = !name.startsWith("core.") && !name.startsWith("fs.") && name !== "env.get";
    if (mayWait && running >= MAX_IN_FLIGHT) {
      if (waiting.length >= MAX_WAITING) {
        return { error: errorHandle(new HostError(`${name}: more than ${MAX_IN_FLIGHT + MAX_WAITING} host calls at once; await some before starting more`, "host_error")) };
      }
      const deferred = newDeferred();
      const settle = settler(deferred);
      const held = argHs.map((h) => h.dup());
      const start = () => {
        let result: unknown;
        try {
          result = fn(host, read(held));
        } catch (err) {
          return settle(false, err);
        } finally {
          for (const h of held) h.dispose();
        }
        if (result instanceof Promise) track(result, settle);
        else settle(true, result);
      };
      waiting.push({ held, start });
      return deferred.handle.dup();
    }
    let result: unknown;
    try {
      result = fn(host, read(argHs));
    } catch (err) {
      return { error: errorHandle(err) };
    }
    if (!(result instanceof Promise)) return toHandle(ctx, result);
    const deferred = newDeferred();
    track(result, settler(deferred));
    return deferred.handle.dup();
  };

  // QuickJS's own JSON.stringify, taken before any skill code runs (a skill may replace the
  // global's); it writes NUL and lone surrogates as escapes.
  const jsonStringify = ctx.getProp(ctx.global, "JSON").consume((j) => ctx.getProp(j, "stringify"));
  /**
   * A long string from the sandbox, read as a C string (UTF-8, fast). A NUL in it would cut it
   * short and a lone surrogate would read as three U+FFFD: a string whose length is off, or that
   * holds U+FFFD (rare in text), is read again through JSON, exactly.
   */
  const readLong = (h: QuickJSHandle): string | null => {
    const s = ctx.getString(h);
    if (s.length === ctx.getProp(h, "length").consume((l) => ctx.getNumber(l)) && !s.includes("\ufffd")) return s;
    const r = ctx.callFunction(jsonStringify, ctx.undefined, h);
    if (r.error) {
      r.error.dispose();
      return null;
    }
    return JSON.parse(r.value.consume((j) => ctx.getString(j))) as string;
  };

  // The values beside the JSON are ArrayBuffers (copied out) and long strings.
  const readCall = ([jsonH, ...besideHs]: QuickJSHandle[]) => {
    const beside = besideHs.map((h): Uint8Array | string => {
      if (ctx.typeof(h) === "string") {
        const s = readLong(h);
        if (s === null) throw new RangeError("out of memory reading an argument");
        return s;
      }
      const life = ctx.getArrayBuffer(h);
      const copy = life.value.slice();
      life.dispose();
      return copy;
    });
    const args = fromWire(ctx.getString(jsonH!), beside);
    return Array.isArray(args) ? args : [];
  };
  const call = ctx.newFunction("call", (nameH, jsonH, ...besideHs) => invoke(nameH, [jsonH, ...besideHs], readCall));
  const call1 = ctx.newFunction("call1", (nameH, argH) => invoke(nameH, [argH], ([h]) => [ctx.getString(h!)]));

  const log = ctx.newFunction("log", (levelH, lineH) => {
    opts.logs?.add(ctx.getString(levelH), ctx.getString(lineH));
  });

  const bridge: Bridge = {
    call,
    call1,
    log,
    onSettle: () => {},
    readLong,
    bind(host, logs) {
      opts.host = host;
      opts.logs = logs;
    },
    idle(until) {
      for (const w of waiting.splice(0)) for (const h of w.held) if (h.alive) h.dispose();
      if (running === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(finish, Math.max(0, until - Date.now()));
        function finish() {
          clearTimeout(timer);
          whenIdle = null;
          resolve();
        }
        whenIdle = finish;
      });
    },
    dispose() {
      alive = false;
      for (const w of waiting.splice(0)) for (const h of w.held) if (h.alive) h.dispose();
      for (const d of pending) d.dispose();
      pending.clear();
      call.dispose();
      call1.dispose();
      log.dispose();
      jsonStringify.dispose();
    },
  };
  return bridge;
}

/**
 * Host value → QuickJS handle: primitives directly, anything else as [json, ...beside], where
 * beside holds byte copies and long strings (QuickJS parses a long string out of JSON slowly).
 */
export function toHandle(ctx: QuickJSContext, v: unknown): QuickJSHandle {
  if (v === undefined) return ctx.undefined;
  if (v === null) return ctx.null;
  switch (typeof v) {
    // QuickJS takes strings as C strings: one holding NUL goes the JSON way, or it would be cut.
    case "string": if (!v.includes("\0")) return ctx.newString(v); break;
    case "number": return ctx.newNumber(v);
    case "boolean": return v ? ctx.true : ctx.false;
  }
  const beside: (Uint8Array | string)[] = [];
  const json = JSON.stringify(v, (_k, x) => {
    if (typeof x === "string") {
      if (x.length <= BESIDE_CHARS || x.includes("\0")) return x;
      beside.push(x);
      return { [MARK]: beside.length - 1 };
    }
    if (x instanceof Uint8Array || x instanceof ArrayBuffer) {
      beside.push(x instanceof Uint8Array ? x : new Uint8Array(x));
      return { [MARK]: beside.length - 1 };
    }
    if (x !== null && typeof x === "object" && !Array.isArray(x) && Object.hasOwn(x, MARK)) {
      throw new TypeError("host result has an invalid key");
    }
    return x;
  });
  const arr = ctx.newArray();
  ctx.newString(json ?? "null").consume((s) => ctx.setProp(arr, 0, s));
  beside.forEach((b, i) => {
    const h = typeof b === "string" ? ctx.newString(b) : ctx.newArrayBuffer(b.slice().buffer);
    h.consume((h) => ctx.setProp(arr, i + 1, h));
  });
  return arr;
}

/**
 * The prelude's wire format → host data; markers become the byte copies or strings beside it.
 * `mark`: the marker key (a call's results use their own, see call-result.ts).
 */
export function fromWire(json: string, beside: (Uint8Array | string)[], mark = MARK): unknown {
  if (beside.length === 0) return JSON.parse(json);
  return JSON.parse(json, (_k, x) => {
    if (x !== null && typeof x === "object" && !Array.isArray(x) && Object.hasOwn(x, mark)) {
      const i = x[mark];
      const b = Number.isInteger(i) ? beside[i] : undefined;
      if (b === undefined) throw new TypeError("bad reference to a value beside the JSON");
      return b;
    }
    return x;
  });
}
