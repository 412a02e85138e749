// Skills compiled ahead: a worker compiles the modules of the skill it ran last into a fresh
// context while idle. The call that uses it must behave exactly as a cold one: edited files take
// effect, a file swapped for a symlink out of the folder is refused, and top-level code runs at
// call time, once per call, with that call's permissions.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SandboxOutcome } from "../contracts/sandbox.ts";
import variant from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant } from "quickjs-emscripten-core";
import { discard, execute, precompile, prepare } from "./execute.ts";
import { PRECOMPILE_MAX_CHARS, type Prepared } from "./fresh-context.ts";
import { SandboxPool } from "./index.ts";
import { jobFor, skillDir, type JobOptions } from "./skill-fixture.ts";

const pool = new SandboxPool({ maxWorkers: 1 });
afterAll(() => pool.close());

const run = (dir: string, opts?: JobOptions) => pool.run(jobFor(dir, opts));
/** Lets an idle worker compile the skill it just ran ahead (a few ms; generous for slow CI). */
const idle = () => Bun.sleep(200);

/** Calls the skill until a call runs in a context compiled ahead for it (the worker prepares
 *  one while idle after each call); returns that call's outcome. */
async function untilCompiled(dir: string, opts?: JobOptions): Promise<SandboxOutcome> {
  for (let i = 0; i < 40; i++) {
    const before = pool.stats.contexts.compiled;
    const o = await run(dir, opts);
    if (pool.stats.contexts.compiled > before) return o;
    await Bun.sleep(25);
  }
  throw new Error("no call ran in a context compiled ahead");
}

describe("skills compiled ahead", () => {
  test("a repeated call runs compiled ahead and returns what a cold call returns", async () => {
    const dir = skillDir({
      "main.js": `import { twice } from "./lib/math.js"; export default (p) => ({ v: twice(p.n), name: import.meta.url ?? null });`,
      "lib/math.js": `export const twice = (n) => n * 2;`,
    });
    const cold = await run(dir, { params: { n: 21 } });
    expect(cold.result).toMatchObject({ ok: true, output: { v: 42 } });
    const warm = await untilCompiled(dir, { params: { n: 21 } });
    expect(warm.result).toEqual(cold.result);
  });

  test("top-level code runs at call time, once per call, and its logs belong to that call", async () => {
    const dir = skillDir({
      "main.js": `globalThis.loaded = (globalThis.loaded ?? 0) + 1; console.log("module loaded");
        export default () => globalThis.loaded;`,
    });
    const o = await untilCompiled(dir);
    expect(o.result).toEqual({ ok: true, output: 1 }); // a fresh context: nothing left from the last call
    expect(o.logs).toEqual(["module loaded"]);
  });

  test("top-level host calls are checked against the calling job's policy", async () => {
    const dir = skillDir({ "main.js": `const v = env.get("MOLTBOT_PRECOMPILE_PROBE"); export default () => v ?? "unset";` });
    process.env.MOLTBOT_PRECOMPILE_PROBE = "visible";
    const granted = { permissions: { env: ["MOLTBOT_PRECOMPILE_PROBE"] }, policyYaml: `version: 1\nskills:\n  test_skill: { allow: { env: [MOLTBOT_PRECOMPILE_PROBE] } }\n` };
    // The pool's workers inherit the environment at spawn: start a fresh one.
    const local = new SandboxPool({ maxWorkers: 1 });
    try {
      const first = await local.run(jobFor(dir, granted));
      expect(first.result).toEqual({ ok: true, output: "visible" });
      await idle();
      const denied = await local.run(jobFor(dir, { permissions: granted.permissions }));
      expect(local.stats.contexts.compiled).toBe(1);
      expect(denied.result).toMatchObject({ ok: false, error: { code: "permission_denied" } });
      expect(denied.denials).toHaveLength(1);
    } finally {
      await local.close();
      delete process.env.MOLTBOT_PRECOMPILE_PROBE;
    }
  });

  test("an edited entry file takes effect on the next call", async () => {
    const dir = skillDir({ "main.js": `export default () => "one";` });
    expect((await untilCompiled(dir)).result).toEqual({ ok: true, output: "one" });
    await idle(); // "one" is compiled ahead again
    writeFileSync(join(dir, "main.js"), `export default () => "two";`);
    const cold = pool.stats.contexts.cold;
    expect((await run(dir)).result).toEqual({ ok: true, output: "two" });
    expect(pool.stats.contexts.cold).toBe(cold + 1); // the stale context was thrown away
  });

  test("an edited imported file takes effect on the next call", async () => {
    const dir = skillDir({ "main.js": `import { word } from "./word.js"; export default () => word;`, "word.js": `export const word = "old";` });
    expect((await untilCompiled(dir)).result).toEqual({ ok: true, output: "old" });
    await idle();
    writeFileSync(join(dir, "word.js"), `export const word = "new";`);
    const cold = pool.stats.contexts.cold;
    expect((await run(dir)).result).toEqual({ ok: true, output: "new" });
    expect(pool.stats.contexts.cold).toBe(cold + 1);
  });

  test("an imported file swapped for a symlink out of the folder is refused, not run from the compiled copy", async () => {
    const outside = mkdtempSync(join(tmpdir(), "moltbot-outside-"));
    writeFileSync(join(outside, "word.js"), `export const word = "escaped";`);
    const dir = skillDir({ "main.js": `import { word } from "./word.js"; export default () => word;`, "word.js": `export const word = "inside";` });
    try {
      expect((await untilCompiled(dir)).result).toEqual({ ok: true, output: "inside" });
      await idle();
      rmSync(join(dir, "word.js"));
      symlinkSync(join(outside, "word.js"), join(dir, "word.js"));
      const o = await run(dir);
      expect(o.result).toMatchObject({ ok: false });
      expect(JSON.stringify(o.result)).toContain("outside the skill folder");
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test("a skill with more source than PRECOMPILE_MAX_CHARS runs, but is compiled in its own calls only", async () => {
    const big = `export const pad = "${"x".repeat(PRECOMPILE_MAX_CHARS)}";`;
    const dir = skillDir({ "main.js": `import { pad } from "./pad.js"; export default () => pad.length;`, "pad.js": big });
    const before = pool.stats.contexts.compiled;
    for (let i = 0; i < 3; i++) {
      expect((await run(dir)).result).toEqual({ ok: true, output: PRECOMPILE_MAX_CHARS });
      await idle();
    }
    expect(pool.stats.contexts.compiled).toBe(before);
  });

  test("two skills called in turn each get their own compiled context", async () => {
    const a = skillDir({ "main.js": `export default () => "a";` });
    const b = skillDir({ "main.js": `export default () => "b";` });
    await run(a);
    await idle();
    await run(b);
    await idle();
    const before = pool.stats.contexts.compiled;
    for (let i = 0; i < 3; i++) {
      expect((await run(a)).result).toEqual({ ok: true, output: "a" });
      await idle();
      expect((await run(b)).result).toEqual({ ok: true, output: "b" });
      await idle();
    }
    expect(pool.stats.contexts.compiled - before).toBe(6);
  });

  // Several compiled contexts live at once in a worker (the last skills it ran). With
  // quickjs-emscripten's compile-only module eval the fourth of these trapped ("out of bounds
  // memory access") or corrupted the heap; they must all compile and run their own skill.
  test("six contexts compiled at once in one QuickJS module each run their own skill", async () => {
    const mod = await newQuickJSWASMModuleFromVariant(variant);
    const dirs = ["a", "ab", "abc", "b", "c", "d"].map((v) =>
      skillDir({ "main.js": `import { tag } from "./tag.js"; export default () => tag + ${JSON.stringify(v)};`, "tag.js": `export const tag = "=";` }));
    const contexts = dirs.map((dir) => {
      const p = prepare(mod);
      expect(precompile(p, { dir, implementation: "main.js" }, 64 << 20)).toBe(true);
      expect([...p.compiled!.sources.keys()].sort()).toEqual(["/main.js", "/tag.js"]);
      return p;
    });
    const outputs = [];
    for (const [i, dir] of dirs.entries()) {
      const r = await execute(mod, jobFor(dir), Date.now() + 5000, async () => false, undefined, contexts[i]);
      expect(r.context).toBe("compiled");
      outputs.push(r.outcome.result);
      expect(r.cleanup?.()).toBe(false); // QuickJS freed the runtime without complaint
    }
    expect(outputs).toEqual(["=a", "=ab", "=abc", "=b", "=c", "=d"].map((output) => ({ ok: true, output })));
  });

  test("a skill that does not compile, or imports what is not there, is not compiled ahead", async () => {
    const mod = await newQuickJSWASMModuleFromVariant(variant);
    for (const files of [{ "main.js": "export default () => {" }, { "main.js": `import { x } from "./gone.js"; export default () => x;` }]) {
      const p = prepare(mod);
      expect(precompile(p, { dir: skillDir(files), implementation: "main.js" }, 64 << 20)).toBe(false);
      expect(discard(p)).toBe(false);
    }
  });

  // Files that were already old when compiled are checked by stat alone at call time (no read).
  // That check must still see every change: an edit in place that keeps the size, a file
  // replaced by rename, the folder's path pointing at another folder.
  test("files checked by stat: a same-size edit, a replaced file or a moved folder link still take effect", async () => {
    const mod = await newQuickJSWASMModuleFromVariant(variant);
    const dir = skillDir({ "main.js": `import { w } from "./w.js"; export default () => w;`, "w.js": `export const w = "aa";` });
    const other = skillDir({ "main.js": `export default () => "other folder";` });
    const link = join(mkdtempSync(join(tmpdir(), "moltbot-link-")), "skill");
    symlinkSync(dir, link);
    const tick = () => Bun.sleep(30); // past the filesystem's timestamp tick
    await tick();
    const compiled = (from: string): Prepared => {
      const p = prepare(mod);
      // No racy window: every file written before this counts as old enough for the stat check.
      expect(precompile(p, { dir: from, implementation: "main.js" }, 64 << 20, 0)).toBe(true);
      expect(p.compiled!.ids.size).toBe(2);
      return p;
    };
    const call = async (from: string, p: Prepared) => {
      const r = await execute(mod, jobFor(from), Date.now() + 5000, async () => false, undefined, p);
      r.cleanup?.();
      return { context: r.context, result: r.outcome.result };
    };

    expect(await call(link, compiled(link))).toEqual({ context: "compiled", result: { ok: true, output: "aa" } });

    let p = compiled(link);
    await tick();
    writeFileSync(join(dir, "w.js"), `export const w = "bb";`);
    expect(await call(link, p)).toEqual({ context: "cold", result: { ok: true, output: "bb" } });

    await tick();
    p = compiled(link);
    writeFileSync(join(dir, "w.next"), `export const w = "cc";`);
    renameSync(join(dir, "w.next"), join(dir, "w.js"));
    expect(await call(link, p)).toEqual({ context: "cold", result: { ok: true, output: "cc" } });

    await tick();
    p = compiled(link);
    rmSync(link);
    symlinkSync(other, link);
    expect(await call(link, p)).toEqual({ context: "cold", result: { ok: true, output: "other folder" } });
  });

  test("files changed just before they were compiled are checked by content, not by stat", async () => {
    const mod = await newQuickJSWASMModuleFromVariant(variant);
    const dir = skillDir({ "main.js": `export default () => 1;` });
    const p = prepare(mod);
    expect(precompile(p, { dir, implementation: "main.js" }, 64 << 20)).toBe(true);
    expect(p.compiled!.ids.size).toBe(0);
    writeFileSync(join(dir, "main.js"), `export default () => 2;`); // same size, likely the same timestamp tick
    const r = await execute(mod, jobFor(dir), Date.now() + 5000, async () => false, undefined, p);
    r.cleanup?.();
    expect(r.context).toBe("cold");
    expect(r.outcome.result).toEqual({ ok: true, output: 2 });
  });
});
