// Ordinary calls: results, params, logs, errors and how results are serialised.
import { afterAll, describe, expect, test } from "bun:test";
import { SandboxPool } from "./index.ts";
import { MAX_LOG_LINES } from "./log-sink.ts";
import { jobFor, jobOf, skillDir } from "./skill-fixture.ts";

const pool = new SandboxPool({ maxWorkers: 2 });
afterAll(() => pool.close());

const run = (source: string, opts = {}) => pool.run(jobOf(source, opts));

describe("results", () => {
  test("returns the default export's result, with params and ctx", async () => {
    const o = await run(`export default async (p, ctx) => ({ sum: p.a + p.b, skill: ctx.skill })`, { params: { a: 2, b: 3 } });
    expect(o.result).toEqual({ ok: true, output: { sum: 5, skill: { name: "test_skill", version: "1.0.0" } } });
    expect(o.denials).toEqual([]);
    expect(o.durationMs).toBeGreaterThanOrEqual(0);
  });

  test("a sync default export and an undefined result work", async () => {
    expect((await run(`export default () => 7`)).result).toEqual({ ok: true, output: 7 });
    expect((await run(`export default async () => {}`)).result).toEqual({ ok: true, output: null });
  });

  test("relative imports inside the folder resolve, including subfolders", async () => {
    const dir = skillDir({
      "main.js": `import { f } from "./lib/f.js"; export default () => f(2)`,
      "lib/f.js": `import { g } from "../g.js"; export const f = (n) => g(n) + 1;`,
      "g.js": `export const g = (n) => n * 10;`,
    });
    expect((await pool.run(jobFor(dir))).result).toEqual({ ok: true, output: 21 });
  });

  test("a missing default export is a skill_error", async () => {
    const o = await run(`export const x = 1`);
    expect(o.result.ok).toBe(false);
    if (!o.result.ok) expect(o.result.error).toMatchObject({ code: "skill_error", message: expect.stringContaining("default export") });
  });

  test("an implementation outside the folder is refused before running", async () => {
    const o = await pool.run(jobFor(skillDir({ "main.js": "export default () => 1" }), { implementation: "../../etc/passwd" }));
    expect(o.result.ok).toBe(false);
    if (!o.result.ok) expect(o.result.error.code).toBe("invalid_manifest");
  });
});

describe("errors", () => {
  test("a thrown error becomes skill_error with the skill's message and no host frames", async () => {
    const o = await run(`export default async () => { throw new TypeError("bad input: x") }`);
    expect(o.result.ok).toBe(false);
    if (o.result.ok) return;
    expect(o.result.error.code).toBe("skill_error");
    expect(o.result.error.message).toBe("TypeError: bad input: x");
    expect(JSON.stringify(o.result.error)).not.toContain("/work/");
  });

  test("long messages are capped", async () => {
    const o = await run(`export default () => { throw new Error("x".repeat(100000)) }`);
    if (o.result.ok) throw new Error("expected failure");
    expect(o.result.error.message.length).toBeLessThan(1000);
  });

  test("throwing a non-Error value is described", async () => {
    const o = await run(`export default () => { throw 42 }`);
    if (o.result.ok) throw new Error("expected failure");
    expect(o.result.error.message).toContain("42");
  });

  test("a syntax error is a skill_error", async () => {
    const o = await run(`export default () => {`);
    if (o.result.ok) throw new Error("expected failure");
    expect(o.result.error.code).toBe("skill_error");
    expect(o.result.error.message).toContain("SyntaxError");
  });
});

describe("serialisation", () => {
  for (const [what, expr, word] of [
    ["a function", "({ f() {} })", "function"],
    ["a BigInt", "({ n: 10n })", "bigint"],
    ["a cycle", "(() => { const a = {}; a.self = a; return a })()", "circular"],
  ] as const) {
    test(`a result with ${what} is a skill_error saying so`, async () => {
      const o = await run(`export default () => ${expr}`);
      if (o.result.ok) throw new Error("expected failure");
      expect(o.result.error.code).toBe("skill_error");
      expect(o.result.error.message).toContain("not JSON-serialisable");
      expect(o.result.error.message.toLowerCase()).toContain(word);
    });
  }

  test("a result over outputBytes is output_limit", async () => {
    const o = await run(`export default () => "é".repeat(600)`, { limits: { outputBytes: 1000 } });
    if (o.result.ok) throw new Error("expected failure");
    expect(o.result.error.code).toBe("output_limit");
    const small = await run(`export default () => "é".repeat(400)`, { limits: { outputBytes: 1000 } });
    expect(small.result.ok).toBe(true);
  });

  test("getters on the result run inside the sandbox, once, at serialisation", async () => {
    const o = await run(`let n = 0; export default () => ({ get v() { n++; return "got " + n } })`);
    expect(o.result).toEqual({ ok: true, output: { v: "got 1" } });
  });
});

describe("console", () => {
  test("console output is captured in order, with levels marked", async () => {
    const o = await run(`export default () => { console.log("a", 1, { b: [2] }); console.warn("careful"); console.error(new RangeError("boom")); }`);
    expect(o.logs).toEqual(['a 1 {"b":[2]}', "[warn] careful", "[error] RangeError: boom"]);
  });

  test("console output is capped", async () => {
    const o = await run(`export default () => { for (let i = 0; i < 1000; i++) console.log("line " + i) }`);
    expect(o.logs.length).toBe(MAX_LOG_LINES + 1);
    expect(o.logs.at(-1)).toContain("800 more log lines dropped");
  });
});

describe("TextDecoder", () => {
  test("UTF-8 by any of its labels, other WHATWG encodings by the host, fatal, and an unknown label fails at construction", async () => {
    const o = await run(`export default () => {
      const bytes = new Uint8Array([0x63, 0x61, 0x66, 0xc3, 0xa9]);
      const latin = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x80]);
      const out = {
        utf8: new TextDecoder().decode(bytes),
        label: new TextDecoder("UTF8").decode(bytes),
        enc: new TextDecoder(" utf-8 ").encoding,
        cp1252: new TextDecoder("windows-1252").decode(latin),
        latin1: new TextDecoder("latin1").decode(latin),
        names: [new TextDecoder("UTF8").encoding, new TextDecoder("latin1").encoding, new TextDecoder("Shift_JIS").encoding],
      };
      try { new TextDecoder("utf-8", { fatal: true }).decode(latin); out.fatal = "decoded"; } catch (e) { out.fatal = e.name; }
      try { new TextDecoder("no-such-charset"); out.unknown = "constructed"; } catch (e) { out.unknown = e.message; }
      return out;
    }`);
    expect(o.result).toMatchObject({
      ok: true,
      output: { utf8: "café", label: "café", enc: "utf-8", cp1252: "café€", latin1: "café€", fatal: "TypeError", names: ["utf-8", "windows-1252", "shift_jis"] },
    });
    expect((o.result as { output: { unknown: string } }).output.unknown).not.toBe("constructed");
  });
});

describe("Uint8Array base64 and hex", () => {
  test("toBase64 / fromBase64 / toHex / fromHex as the ES2026 methods: views, options, empty input, bad input", async () => {
    const o = await run(`export default () => {
      const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
      const view = bytes.subarray(3, 8);
      const out = {
        b64: bytes.toBase64(),
        url: bytes.toBase64({ alphabet: "base64url", omitPadding: true }),
        view: view.toBase64(),
        hex: view.toHex(),
        empty: new Uint8Array(0).toBase64(),
        back: Array.from(Uint8Array.fromBase64("AAEC+vv8/f7/")),
        backUrl: Array.from(Uint8Array.fromBase64("AAEC-vv8_f7_", { alphabet: "base64url" })),
        fromHex: Array.from(Uint8Array.fromHex("00ff10")),
        isBytes: Uint8Array.fromBase64("AA==") instanceof Uint8Array,
        hidden: Object.keys(Uint8Array.prototype).concat(Object.keys(Uint8Array)).filter((k) => /Base64|Hex/.test(k)),
      };
      for (const [name, f] of Object.entries({
        badChar: () => Uint8Array.fromBase64("A*=="),
        badAlphabet: () => bytes.toBase64({ alphabet: "base32" }),
        badHex: () => Uint8Array.fromHex("0g"),
        notBytes: () => Uint8Array.prototype.toBase64.call([1, 2]),
        notString: () => Uint8Array.fromBase64(42),
      })) {
        try { f(); out[name] = "no error"; } catch (e) { out[name] = e instanceof Error && e.name; }
      }
      return out;
    }`);
    expect(o.result).toEqual({
      ok: true,
      output: {
        b64: "AAEC+vv8/f7/", url: "AAEC-vv8_f7_", view: "+vv8/f4=", hex: "fafbfcfdfe", empty: "",
        back: [0, 1, 2, 250, 251, 252, 253, 254, 255], backUrl: [0, 1, 2, 250, 251, 252, 253, 254, 255], fromHex: [0, 255, 16],
        isBytes: true, hidden: [],
        // The web's classes: SyntaxError for bad input, TypeError for bad options or receivers.
        badChar: "SyntaxError", badAlphabet: "TypeError", badHex: "SyntaxError", notBytes: "TypeError", notString: "TypeError",
      },
    });
  });

  test("a 600 KB image round-trips through base64 unchanged", async () => {
    const o = await run(`export default () => {
      const img = new Uint8Array(600 * 1024);
      for (let i = 0; i < img.length; i++) img[i] = (i * 7919) & 255;
      const text = img.toBase64();
      const back = Uint8Array.fromBase64(text);
      let same = back.length === img.length;
      for (let i = 0; same && i < img.length; i += 997) same = back[i] === img[i];
      return { length: text.length, head: text.slice(0, 16), same };
    }`);
    const img = new Uint8Array(600 * 1024);
    for (let i = 0; i < img.length; i++) img[i] = (i * 7919) & 255;
    const expected = Buffer.from(img).toString("base64");
    expect(o.result).toEqual({ ok: true, output: { length: expected.length, head: expected.slice(0, 16), same: true } });
  });
});
