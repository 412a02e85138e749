// A fresh QuickJS runtime and context, ready for one call: the prelude evaluated, no skill code
// run yet. Workers prepare the next one while idle (see worker.ts); each is used once.
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten-core";
import { createBridge, type Bridge } from "./bridge.ts";
import { HOST_API } from "./host/index.ts";
import { FETCH_SOURCE, PRELUDE_FILE, PRELUDE_SOURCE } from "./prelude.ts";

export type Internals = { run: QuickJSHandle; serialize: QuickJSHandle; errorInfo: QuickJSHandle; parse: QuickJSHandle };

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
