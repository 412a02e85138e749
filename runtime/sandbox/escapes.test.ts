// Adversarial skills: the classic vm2/node:vm escapes and module tricks must all stay inside
// QuickJS, and nothing one call does is visible to the next.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SandboxPool } from "./index.ts";
import { jobFor, jobOf, skillDir } from "./skill-fixture.ts";

const pool = new SandboxPool({ maxWorkers: 2 });
afterAll(() => pool.close());

async function output(source: string): Promise<unknown> {
  const o = await pool.run(jobOf(source));
  if (!o.result.ok) throw new Error(`${o.result.error.code}: ${o.result.error.message}`);
  return o.result.output;
}
async function failure(job: ReturnType<typeof jobFor>): Promise<{ code: string; message: string }> {
  const o = await pool.run(job);
  if (o.result.ok) throw new Error(`expected a failure, got ${JSON.stringify(o.result.output)}`);
  return o.result.error;
}

const PROBE = `(g) => ["process", "require", "Bun", "Deno", "module", "exports", "__dirname", "global", "self", "window", "Buffer", "setTimeout", "WebAssembly", "std", "os"].filter((k) => { try { return g[k] !== undefined } catch { return true } })`;

describe("no host objects are reachable", () => {
  test("the global object holds only built-ins and the documented capabilities", async () => {
    const names = (await output(`export default () => Object.getOwnPropertyNames(globalThis)`)) as string[];
    for (const k of ["fetch", "fs", "shell", "env", "console", "PermissionDenied"]) expect(names).toContain(k);
    for (const k of ["process", "require", "Bun", "Deno", "Buffer", "setTimeout", "WebAssembly"]) expect(names).not.toContain(k);
  });

  test("this.constructor.constructor gives QuickJS's Function, whose global has no host objects", async () => {
    const out = await output(`export default () => {
      const F = ({}).constructor.constructor;
      const g = F("return this")();
      let proc; try { proc = F("return process")() } catch (e) { proc = e.name }
      return { leaked: (${PROBE})(g), proc, same: g === globalThis };
    }`);
    expect(out).toEqual({ leaked: [], proc: "ReferenceError", same: true });
  });

  test("functions handed in by the host (capabilities, console) lead only to QuickJS's Function", async () => {
    const out = await output(`export default () => {
      const found = [];
      for (const f of [fetch, fs.readTextFile, env.get, shell.run, console.log, PermissionDenied]) {
        const F = f.constructor.constructor;
        found.push(...(${PROBE})(F("return this")()));
        found.push(String(Object.getPrototypeOf(f) === Function.prototype || Object.getPrototypeOf(Object.getPrototypeOf(f)) === Function.prototype));
      }
      return found;
    }`);
    expect(out).toEqual(["true", "true", "true", "true", "true", "true"]);
  });

  test("Error.prepareStackTrace and stack inspection reveal no host frames or objects", async () => {
    const out = (await output(`export default () => {
      let seen = null;
      Error.prepareStackTrace = (e, frames) => { seen = frames; return "hooked" };
      const e = new Error("x");
      const stack = String(e.stack);
      let hostErr; try { env.get("NOT_A_GRANTED_VAR") } catch (err) { hostErr = String(err.stack) + Object.keys(err).join() }
      return { seen, stack, hostErr };
    }`)) as { seen: unknown; stack: string; hostErr: string };
    expect(out.seen).toBeNull();
    for (const s of [out.stack, out.hostErr]) {
      expect(s).not.toContain("/work/");
      expect(s).not.toContain("node_modules");
      expect(s).not.toContain(".ts");
    }
  });

  test("errors thrown by host calls are QuickJS errors, not host objects", async () => {
    const out = await output(`export default () => {
      try { env.get("DEFINITELY_NOT_GRANTED") } catch (e) {
        const g = e.constructor.constructor("return this")();
        return { name: e.name, isPD: e instanceof PermissionDenied, isError: e instanceof Error, leaked: (${PROBE})(g) };
      }
    }`);
    expect(out).toEqual({ name: "PermissionDenied", isPD: true, isError: true, leaked: [] });
  });

  test("eval and Function stay inside the sandbox", async () => {
    expect(await output(`export default () => [typeof eval("globalThis.process"), Function("return typeof Bun")()]`)).toEqual(["undefined", "undefined"]);
  });
});

describe("marshalled values", () => {
  test("a Proxy or getter passed to a capability is copied once as data, inside the sandbox", async () => {
    const out = await output(`export default () => {
      let reads = 0;
      const name = new Proxy({}, { get: () => { reads++; return "X" } });
      try { env.get(name) } catch (e) { return { name: e.name, message: e.message.slice(0, 40), reads } }
      return "no error";
    }`);
    expect(out).toMatchObject({ name: "Error" });
  });

  test("Symbol.species and patched built-ins do not change what crosses to the host", async () => {
    const out = await output(`export default () => {
      class Evil extends Array { static get [Symbol.species]() { throw new Error("species used") } }
      JSON.stringify = () => { throw new Error("patched stringify used") };
      Array.isArray = () => { throw new Error("patched isArray used") };
      Object.keys = () => { throw new Error("patched keys used") };
      try { env.get(Evil.from(["A"])) } catch (e) { return e.name + ": " + e.message.slice(0, 30) }
    }`);
    expect(String(out)).not.toContain("used");
  });

  test("functions and symbols cannot be passed to a capability", async () => {
    const out = await output(`export default () => { try { env.get(() => 1) } catch (e) { return e.name + ": " + e.message } }`);
    expect(out).toBe("TypeError: env.get: cannot pass a function to the host");
  });
});

describe("each call gets a fresh context", () => {
  test("prototype pollution and globals from one call are not visible in the next", async () => {
    await output(`export default () => { Object.prototype.polluted = "yes"; Array.prototype.push = () => 0; globalThis.leftover = 1; JSON.parse = null; globalThis.env = { get: () => "fake" }; return 1 }`);
    const out = await output(`export default () => ({ polluted: ({}).polluted ?? null, leftover: typeof leftover, push: [].push(1), parse: typeof JSON.parse, env: (() => { try { return env.get("X") } catch (e) { return e.name } })() })`);
    expect(out).toEqual({ polluted: null, leftover: "undefined", push: 1, parse: "function", env: "PermissionDenied" });
  });

  test("__proto__ keys in params are data, not prototypes", async () => {
    const o = await pool.run(jobOf(`export default (p) => ({ own: Object.keys(p), polluted: ({}).admin ?? null })`, { params: JSON.parse('{"__proto__": {"admin": true}}') }));
    expect(o.result).toEqual({ ok: true, output: { own: ["__proto__"], polluted: null } });
  });
});

describe("imports are confined to the skill folder", () => {
  for (const spec of ["fs", "node:fs", "bun:sqlite", "child_process", "/etc/passwd", "../outside.js", "./../../../../etc/passwd"]) {
    test(`import("${spec}") fails`, async () => {
      const e = await failure(jobOf(`export default async () => { await import(${JSON.stringify(spec)}); return "loaded" }`));
      expect(e.code).toBe("skill_error");
      expect(e.message).toContain("cannot import");
    });
  }

  test("a static import of a host module fails the module", async () => {
    const e = await failure(jobOf(`import { readFileSync } from "node:fs"; export default () => readFileSync("/etc/passwd", "utf8")`));
    expect(e.message).toContain("cannot import");
  });

  test("a symlink pointing out of the folder is refused", async () => {
    const outside = skillDir({ "secret.js": `export default "secret"` });
    const dir = skillDir({ "main.js": `import s from "./link.js"; export default () => s` });
    symlinkSync(join(outside, "secret.js"), join(dir, "link.js"));
    const e = await failure(jobFor(dir));
    expect(e.message).toContain("outside the skill folder");
  });

  test("a sibling folder whose name extends the skill folder's is still outside", async () => {
    const dir = skillDir({ "a/main.js": `export default async () => (await import("../a-evil/x.js")).default` });
    mkdirSync(join(dir, "a-evil"));
    writeFileSync(join(dir, "a-evil", "x.js"), `export default "escaped"`);
    const e = await failure(jobFor(join(dir, "a")));
    expect(e.message).toContain("outside the skill folder");
  });

  test("import.meta and error stacks show folder-relative names, not host paths", async () => {
    const out = (await output(`export default () => [import.meta.url ?? "", String(new Error("x").stack)].join(" ")`)) as string;
    expect(out).not.toContain("/tmp/");
    expect(out).not.toContain("moltbot-skill-");
  });
});
