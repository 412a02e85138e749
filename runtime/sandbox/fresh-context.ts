// A fresh QuickJS runtime and context, ready for one call: the prelude evaluated, no skill code
// run yet. Workers prepare the next one while idle (see worker.ts); each is used once.
import { statSync, realpathSync, type Stats } from "node:fs";
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten-core";
import { createBridge, type Bridge } from "./bridge.ts";
import { HOST_API } from "./host/index.ts";
import { skillModules, type SkillModules } from "./module-loader.ts";
import { FETCH_SOURCE, PRELUDE_FILE, PRELUDE_SOURCE } from "./prelude.ts";

export type Internals = { run: QuickJSHandle; serialize: QuickJSHandle; errorInfo: QuickJSHandle; parse: QuickJSHandle; prepareFetch: QuickJSHandle };

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
  /** Set when a skill's modules were compiled into it ahead of the call (see `precompile`). */
  compiled?: Compiled;
}

/** Which skill a prepared context holds compiled, and the source of every module it compiled. */
export interface Compiled {
  key: string;
  sources: Map<string, string>;
  /** What identifies each compiled file on disk, for the files old enough to trust it (see `RACY_MS`). */
  ids: Map<string, FileId>;
  /** The skill's loader, built when it was compiled; the call uses it while the files are current. */
  modules: SkillModules;
}

/** A file's identity by stat: a write or replacement changes at least one of these. */
export interface FileId {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/**
 * A file changed less than this long (ms) before it was compiled is checked by content at call
 * time, not by stat: a later write within the filesystem's timestamp granularity (a 4 ms tick on
 * Linux, 2 s on FAT) could leave its stat unchanged. Older files are checked by stat alone, as
 * git does for files that are not "racily clean".
 */
export const RACY_MS = 5000;

/** Identifies a skill's code for `precompile`: its folder and implementation file. */
export function skillKey(skill: { dir: string; implementation: string }): string {
  return `${skill.dir}\0${skill.implementation}`;
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
      prepareFetch: keep(ctx.getProp(api, "prepareFetch")),
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

/** Most source (all modules together) compiled ahead: the built-in skills are 5–40 KB. */
export const PRECOMPILE_MAX_CHARS = 512 * 1024;

// The module precompile evaluates: it imports the skill's entry, then a name the loader always
// refuses. QuickJS loads and compiles the entry and everything it imports first (resolution
// follows the import order), then fails on the second import, before linking: no skill code
// runs, and the compiled modules stay registered in the context under their own names.
// (quickjs-emscripten's evalCode with compileOnly would do this directly, but for a module it
// then reads an uninitialised pointer, which traps or corrupts the WASM heap now and then.)
const AHEAD_NAME = "/<moltbot-compile-ahead>.js";
const AHEAD_STOP = "moltbot:compile-ahead-stop";

/**
 * Compiles a skill's entry module, and through the loader every module it imports, into a
 * prepared context, so the call that uses it skips the compile (1–2 ms for a built-in skill).
 * Compiling runs none of the skill's code; the context is still used for one call only, and
 * `stillCurrent` checks at call time that every compiled file is unchanged. Memory is capped by
 * the limit of the call that asked for it. False when the skill does not compile: the caller
 * discards the context, and the skill's own call reports the failure.
 */
export function precompile(p: Prepared, skill: { dir: string; implementation: string }, memoryBytes: number, racyMs = RACY_MS): boolean {
  const readAt = Date.now();
  let modules: SkillModules;
  try {
    modules = skillModules(skill.dir, skill.implementation);
  } catch {
    return false;
  }
  const sources = new Map<string, string>();
  const ids = new Map<string, FileId>();
  let chars = 0;
  const load: SkillModules["load"] = (name, context) => {
    const before = statOf(modules.root + name);
    const r = modules.load(name, context);
    if (typeof r !== "string") return r;
    // Stat on both sides of the read: a file swapped meanwhile is left to the content check.
    const id = before && idOf(before);
    const after = statOf(modules.root + name);
    if (id && after && sameFile(after, id) && Math.max(id.mtimeMs, id.ctimeMs) < readAt - racyMs) ids.set(name, id);
    // Compiling runs outside any call's deadline: a skill too big to compile quickly is
    // compiled in its own calls, as before.
    chars += r.length;
    if (chars > PRECOMPILE_MAX_CHARS) return { error: new Error("too large to compile ahead") };
    sources.set(name, r);
    return r;
  };
  // Set when resolution got past the whole skill to the refused import: only then did every
  // module compile (a skill that fails to compile fails before it).
  let reached = false;
  const normalize: SkillModules["normalize"] = (base, requested, context) => {
    if (base === AHEAD_NAME && requested === AHEAD_STOP) reached = true;
    return modules.normalize(base, requested, context);
  };
  p.rt.setMemoryLimit(memoryBytes);
  p.rt.setModuleLoader(load, normalize);
  const source = `import ${JSON.stringify("." + modules.entry)}; import ${JSON.stringify(AHEAD_STOP)};`;
  const r = p.ctx.evalCode(source, AHEAD_NAME, { type: "module" });
  p.rt.setMemoryLimit(-1);
  p.rt.removeModuleLoader();
  if (!r.error) {
    // Unreachable (the second import is always refused), and the context is not trusted if it was.
    r.value.dispose();
    return false;
  }
  r.error.dispose();
  if (!reached || !sources.has(modules.entry)) return false;
  // The prelude builds fetch on first use; a skill that mentions it gets it built here too.
  if ([...sources.values()].some((src) => src.includes("fetch"))) {
    const built = p.ctx.callFunction(p.internals.prepareFetch, p.ctx.undefined);
    if (built.error) {
      built.error.dispose();
      return false;
    }
    built.value.dispose();
  }
  p.compiled = { key: skillKey(skill), sources, ids, modules };
  return true;
}

/**
 * True when `dir` is still the folder `p` was compiled from and every module compiled into it
 * is still the file the loader would read now: by stat for files old enough to trust it, by
 * reading the others (a few syscalls per file, which after an idle spell cost ~0.1 ms a call).
 */
export function stillCurrent(p: Prepared, dir: string): boolean {
  const c = p.compiled;
  if (!c) return false;
  try {
    if (realpathSync(dir) !== c.modules.root) return false;
  } catch {
    return false;
  }
  for (const [name, source] of c.sources) {
    const id = c.ids.get(name);
    if (id) {
      const now = statOf(c.modules.root + name);
      if (now && sameFile(now, id)) continue;
    }
    if (c.modules.load(name, p.ctx) !== source) return false;
  }
  return true;
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function idOf(st: Stats): FileId | null {
  return st.isFile() ? { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs } : null;
}

function sameFile(st: Stats, id: FileId): boolean {
  return st.isFile() && st.ino === id.ino && st.dev === id.dev && st.size === id.size && st.mtimeMs === id.mtimeMs && st.ctimeMs === id.ctimeMs;
}
