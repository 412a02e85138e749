// Misbehaving skills: every call ends, with the right code, within twice its time limit, and
// the pool keeps serving afterwards.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MAX_DENIAL_VALUE_CHARS, MAX_DENIALS_LISTED, type SandboxOutcome } from "../contracts/sandbox.ts";
import { SandboxPool } from "./index.ts";
import { jobOf } from "./skill-fixture.ts";

const pool = new SandboxPool({ maxWorkers: 2 });
afterAll(() => pool.close());
// Time limits count from when a warm worker takes the call; worker start-up is not the skill's.
beforeAll(() => Promise.all([pool.run(jobOf("export default () => 1")), pool.run(jobOf("export default () => 1"))]));

const T = 100;
async function timed(source: string, limits = {}): Promise<{ o: SandboxOutcome; ms: number }> {
  const started = performance.now();
  const o = await pool.run(jobOf(source, { limits: { timeoutMs: T, ...limits } }));
  return { o, ms: performance.now() - started };
}
const codeOf = (o: SandboxOutcome) => (o.result.ok ? "ok" : o.result.error.code);

describe("time", () => {
  for (const [what, source] of [
    ["a sync infinite loop", `export default () => { while (true) {} }`],
    ["a loop in an async function after await", `export default async () => { await null; for (;;) {} }`],
    ["a loop inside a promise job", `export default () => new Promise((r) => Promise.resolve().then(() => { while (true) {} }))`],
    ["a promise that never settles", `export default () => new Promise(() => {})`],
    ["a loop at module top level", `while (true) {} export default () => 1`],
    ["a loop in a getter on the result", `export default () => ({ get x() { for (;;) {} } })`],
    ["an endless chain of promise jobs", `export default async () => { const spin = () => Promise.resolve().then(spin); spin(); await new Promise(() => {}) }`],
  ] as const) {
    test(`${what} ends with timeout within 2x the limit`, async () => {
      const { o, ms } = await timed(source);
      expect(codeOf(o)).toBe("timeout");
      expect(ms).toBeLessThan(2 * T);
    });
  }

  test("a call that finishes in time is not affected by the limit", async () => {
    const { o } = await timed(`export default async () => { let s = 0; for (let i = 0; i < 1000; i++) s += i; return s }`);
    expect(o.result).toEqual({ ok: true, output: 499500 });
  });
});

describe("memory", () => {
  for (const [what, source] of [
    ["array growth", `export default () => { const a = []; for (;;) a.push({ i: a.length, s: "x" + a.length }) }`],
    ["string doubling", `export default () => { let s = "x"; const keep = []; for (;;) { s = s + s; keep.push(s) } }`],
    ["a huge ArrayBuffer", `export default () => new ArrayBuffer(1e9).byteLength`],
  ] as const) {
    test(`${what} ends with memory_limit within 2x the limit`, async () => {
      const { o, ms } = await timed(source, { timeoutMs: 1000, memoryBytes: 8 * 1024 * 1024 });
      expect(codeOf(o)).toBe("memory_limit");
      expect(ms).toBeLessThan(2000);
    });
  }

  test("an out-of-memory the skill catches is its own business, and the next call is fine", async () => {
    const { o } = await timed(`export default () => { try { new ArrayBuffer(1e9) } catch (e) { return "caught " + e.message } }`, { timeoutMs: 1000, memoryBytes: 8 * 1024 * 1024 });
    expect(o.result).toEqual({ ok: true, output: "caught out of memory" });
    expect((await timed(`export default () => "fine"`)).o.result).toEqual({ ok: true, output: "fine" });
  });

  // QuickJS's own check sees one allocation at a time in this build; the heap cap sees them all.
  // Without it these blocks piled up to the WASM maximum of 2 GiB (about 1000 of them).
  const MiB = 1024 * 1024;
  test("many blocks, each under the limit, add up to it: the heap stays bounded", async () => {
    const pile = (catching: boolean) => `export default () => { const keep = [];
      ${catching ? "try { for (;;) keep.push(new Uint8Array(2 * 1024 * 1024)); } catch (e) { return { message: e.message, blocks: keep.length }; }" : "for (;;) keep.push(new Uint8Array(2 * 1024 * 1024));"} }`;
    const caught = await timed(pile(true), { timeoutMs: 5000, memoryBytes: 8 * MiB });
    expect(caught.o.result).toMatchObject({ ok: true, output: { message: "out of memory" } });
    // The limit, plus at most the free room of a heap that is reset past 48 MiB.
    expect((caught.o.result as { output: { blocks: number } }).output.blocks).toBeLessThanOrEqual((8 + 48) / 2);
    const uncaught = await timed(pile(false), { timeoutMs: 5000, memoryBytes: 8 * MiB });
    expect(codeOf(uncaught.o)).toBe("memory_limit");
    expect((await timed(`export default () => "fine"`)).o.result).toEqual({ ok: true, output: "fine" });
  });

  test("a raised limit is room to use, and a host result too big for it is memory_limit too", async () => {
    const replaced = pool.stats.replaced;
    const big = await timed(`export default () => { const keep = []; for (let i = 0; i < 60; i++) keep.push(new Uint8Array(2 * 1024 * 1024)); return keep.length; }`, { timeoutMs: 5000, memoryBytes: 256 * MiB });
    expect(big.o.result).toEqual({ ok: true, output: 60 });
    // A heap never shrinks: the worker that grew it to 120 MiB is replaced, giving it back.
    expect(pool.stats.replaced).toBe(replaced + 1);
    // Each base64 text (8 MiB) fits the limit alone; the bytes and two texts together do not.
    const host = await timed(`export default () => { const b = new Uint8Array(6 * 1024 * 1024); const s = b.toBase64(); const t = b.toBase64(); return s.length + t.length; }`, { timeoutMs: 5000, memoryBytes: 16 * MiB });
    expect(codeOf(host.o)).toBe("memory_limit");
    expect((await timed(`export default () => "fine"`)).o.result).toEqual({ ok: true, output: "fine" });
  });
});

describe("denials", () => {
  // Each denial is recorded for the audit; a skill provoking them in a loop (no permission
  // needed) once made a record per denial: 300,000 of them took 500 MB.
  test(`a flood of denials is listed up to ${MAX_DENIALS_LISTED}, the rest counted, the newest last`, async () => {
    const { o } = await timed(`export default () => {
      let n = 0;
      for (let i = 0; i < 1000; i++) { try { env.get("VAR_" + i) } catch { n++ } }
      return n;
    }`, { timeoutMs: 5000 });
    expect(o.result).toEqual({ ok: true, output: 1000 });
    expect(o.denials).toHaveLength(MAX_DENIALS_LISTED);
    expect(o.denialsOmitted).toBe(1000 - MAX_DENIALS_LISTED);
    expect(o.denials[0]).toMatchObject({ kind: "env", value: "VAR_0", caught: true });
    expect(o.denials.at(-1)).toMatchObject({ kind: "env", value: "VAR_999", caught: true });
  });

  test(`a denial's value is recorded up to ${MAX_DENIAL_VALUE_CHARS} characters, however long the skill made it`, async () => {
    const { o } = await timed(`export default () => {
      for (let i = 0; i < 150; i++) { try { env.get("A".repeat(1e6) + i) } catch {} }
      return "done";
    }`, { timeoutMs: 10000 });
    expect(o.result).toEqual({ ok: true, output: "done" });
    expect(o.denials).toHaveLength(MAX_DENIALS_LISTED);
    expect(o.denials[0]!.value).toBe("A".repeat(MAX_DENIAL_VALUE_CHARS) + "…");
    expect(JSON.stringify(o.denials).length).toBeLessThan(MAX_DENIALS_LISTED * (MAX_DENIAL_VALUE_CHARS + 100));
  });

  test("the denial that ends the call is still the one marked uncaught", async () => {
    const { o } = await timed(`export default () => {
      for (let i = 0; i < 300; i++) { try { env.get("VAR_" + i) } catch {} }
      env.get("LAST_ONE");
    }`, { timeoutMs: 5000 });
    expect(codeOf(o)).toBe("permission_denied");
    expect(o.denials.filter((d) => !d.caught)).toEqual([{ kind: "env", value: "LAST_ONE", rule: "manifest", caught: false }]);
    expect(o.denialsOmitted).toBe(301 - MAX_DENIALS_LISTED);
  });
});

describe("stack", () => {
  test("deep recursion is a clean skill_error about the stack, not a crash", async () => {
    const { o } = await timed(`const f = (n) => f(n + 1) + 1; export default () => f(0)`, { timeoutMs: 2000 });
    expect(codeOf(o)).toBe("skill_error");
    if (!o.result.ok) expect(o.result.error.message).toContain("stack overflow");
  });

  test("recursion the skill catches can be reported by the skill", async () => {
    const { o } = await timed(`let d = 0; const f = (n) => { d = n; return f(n + 1) + 1 }; export default () => { try { f(0) } catch (e) { return d > 500 } }`, { timeoutMs: 2000 });
    expect(o.result).toEqual({ ok: true, output: true });
  });

  test("a deeply nested result does not crash the serialiser", async () => {
    const { o } = await timed(`export default () => { let v = 0; for (let i = 0; i < 100000; i++) v = [v]; return v }`, { timeoutMs: 2000 });
    expect(codeOf(o)).toBe("skill_error");
  });
});

describe("output", () => {
  test("a huge output is output_limit, not a crash", async () => {
    const { o } = await timed(`export default () => "x".repeat(5 * 1024 * 1024)`, { timeoutMs: 2000, outputBytes: 1024 * 1024 });
    expect(codeOf(o)).toBe("output_limit");
  });
});

test("after all of the above, the pool still serves calls", async () => {
  const results = await Promise.all([1, 2, 3].map((n) => pool.run(jobOf(`export default (p) => p.n * 2`, { params: { n } }))));
  expect(results.map((r) => r.result)).toEqual([2, 4, 6].map((output) => ({ ok: true, output })));
});

describe("hints", () => {
  test("each limit's hint names the policy key that raises it, with an example the policy accepts", async () => {
    const { parsePolicy } = await import("../../policy/index.ts");
    const { memoryError, outputError, timeoutError } = await import("./errors.ts");
    const limits = { timeoutMs: 100, memoryBytes: 1 << 20, outputBytes: 1024, stackBytes: 1 << 16 };
    for (const [error, key] of [[timeoutError(limits), "timeout"], [memoryError(limits), "memory"], [outputError(limits), "output"]] as const) {
      const example = /e\.g\. (\w+): (\S+)$/.exec(error.hint ?? "");
      expect(example?.[1]).toBe(key);
      const policy = parsePolicy(`version: 1\nlimits: { ${key}: ${example![2]} }\nskills:\n  s: { limits: { ${key}: ${example![2]} } }\n`);
      expect(policy.limits).toBeDefined();
    }
  });
});
