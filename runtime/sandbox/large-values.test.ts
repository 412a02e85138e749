// Large strings cross the sandbox boundary on a fast path (native UTF-8 copy in, long strings
// returned beside the JSON): what arrives must be exactly what was sent, and limits still hold.
import { afterAll, describe, expect, test } from "bun:test";
import { SandboxPool } from "./index.ts";
import { jobOf } from "./skill-fixture.ts";
import { MAX_JSON_DEPTH } from "../contracts/json-depth.ts";

const pool = new SandboxPool({ maxWorkers: 1 });
afterAll(() => pool.close());
const big = { limits: { outputBytes: 8 * 1024 * 1024, memoryBytes: 256 * 1024 * 1024 } };

describe("large values", () => {
  test("a long string with every kind of character comes back unchanged", async () => {
    const o = await pool.run(jobOf(`export default (p) => {
      const unit = "aé✓😀\\n\\t\\"\\\\" + String.fromCharCode(0) + "<>&";
      return { text: unit.repeat(p.n), n: p.n };
    }`, { params: { n: 20000 }, ...big }));
    expect(o.result.ok).toBe(true);
    if (!o.result.ok) return;
    const out = o.result.output as { text: string; n: number };
    expect(out.n).toBe(20000);
    expect(out.text).toBe(`aé✓😀\n\t"\\\u0000<>&`.repeat(20000));
  });

  test("long strings nested in arrays and objects, and as the whole result", async () => {
    const nested = await pool.run(jobOf(`export default () => ({ a: ["x".repeat(70000), 1, { b: "y".repeat(40000) }], c: "short" })`, big));
    expect(nested.result).toEqual({ ok: true, output: { a: ["x".repeat(70000), 1, { b: "y".repeat(40000) }], c: "short" } });
    const whole = await pool.run(jobOf(`export default () => "z".repeat(100000)`, big));
    expect(whole.result).toEqual({ ok: true, output: "z".repeat(100000) });
  });

  // A lone surrogate is invalid UTF-16 (and not I-JSON, so the audit could not hash it): in a
  // result it becomes U+FFFD wherever it is, short string, key or long string alike.
  test("lone surrogates in a result arrive as U+FFFD, in short strings, keys and long strings", async () => {
    const o = await pool.run(jobOf(`export default () => {
      let deep = "bottom"; for (let i = 0; i < 100; i++) deep = [deep];
      return { short: "a\\ud800b", ["k\\udc00"]: 1, long: "x".repeat(5000) + "\\ud83d", pair: "\\ud83d\\ude00", deep };
    }`, big));
    let deep: unknown = "bottom";
    for (let i = 0; i < 100; i++) deep = [deep];
    // Everything else comes back whole, however deep.
    expect(o.result).toMatchObject({ ok: true, output: { short: "a\ufffdb", "k\ufffd": 1, pair: "😀", deep } });
    // A long string too: one U+FFFD, not the three its bytes would read as.
    expect((o.result as { output: { long: string } }).output.long).toBe("x".repeat(5000) + "\ufffd");
  });

  // A long string leaves QuickJS as a C string, where a NUL would cut it and each lone surrogate
  // would read as three characters: together they could keep its length. It must still arrive
  // as sent (the surrogate as one U+FFFD), as must a U+FFFD the skill wrote itself.
  test("a long string holding a lone surrogate and then a NUL, or a U+FFFD of its own, arrives as sent", async () => {
    const o = await pool.run(jobOf(`export default () => [
      "x".repeat(5000) + "\\ud800" + String.fromCharCode(0) + "y",
      "y".repeat(5000) + "\\ufffd" + "z",
      "z".repeat(5000),
    ]`, big));
    expect(o.result).toEqual({ ok: true, output: ["x".repeat(5000) + "\ufffd\u0000y", "y".repeat(5000) + "\ufffdz", "z".repeat(5000)] });
  });

  test("page-sized strings either side of the 4096-character threshold come back unchanged", async () => {
    const o = await pool.run(jobOf(`export default () => {
      const unit = "aé✓😀\\n\\"\\\\<>&";
      return [4095, 4096, 4097, 9000].map((n) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));
    }`, big));
    const unit = `aé✓😀\n"\\<>&`;
    // (Cut at 4096, the emoji leaves a lone surrogate, which arrives as U+FFFD.)
    expect(o.result).toEqual({ ok: true, output: [4095, 4096, 4097, 9000].map((n) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n).toWellFormed()) });
  });

  test("params carrying a long string reach the skill intact", async () => {
    const text = "ünïcødé ".repeat(50000);
    const o = await pool.run(jobOf(`export default (p) => ({ len: p.text.length, same: p.text === "ünïcødé ".repeat(50000) })`, { params: { text }, ...big }));
    expect(o.result).toEqual({ ok: true, output: { len: text.length, same: true } });
  });

  test("the output limit counts long strings too", async () => {
    const o = await pool.run(jobOf(`export default () => ({ a: "x".repeat(600000), b: "y".repeat(600000) })`, { limits: { outputBytes: 1024 * 1024 } }));
    expect(o.result.ok ? "ok" : o.result.error.code).toBe("output_limit");
  });

  test("a string from the host holding NUL arrives whole", async () => {
    const o = await pool.run(jobOf(`export default () => new TextDecoder().decode(new Uint8Array([97, 0, 98]))`));
    expect(o.result).toEqual({ ok: true, output: "a\u0000b" });
  });

  // Everything after QuickJS (the audit's hash, the model's message, the copy between threads)
  // walks a result level by level: past MAX_JSON_DEPTH it is an output_limit, not a crash.
  test("a result nested deeper than MAX_JSON_DEPTH is an output_limit; one at the limit comes back", async () => {
    const nest = (n: number) => `export default () => { let v = 1; for (let i = 0; i < ${n}; i++) v = [v]; return v; }`;
    const ok = await pool.run(jobOf(nest(MAX_JSON_DEPTH)));
    let expected: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) expected = [expected];
    expect(ok.result).toEqual({ ok: true, output: expected });
    for (const n of [MAX_JSON_DEPTH + 1, 2000]) {
      const o = await pool.run(jobOf(nest(n)));
      expect(o.result).toEqual({ ok: false, error: expect.objectContaining({ code: "output_limit", message: `the skill's result nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep` }) });
    }
  });

  test("a result may not use the reserved marker key", async () => {
    const o = await pool.run(jobOf(`export default () => ({ ["\\u0000s"]: 0 })`));
    expect(o.result.ok ? "ok" : o.result.error.code).toBe("skill_error");
  });
});
