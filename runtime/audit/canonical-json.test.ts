import { describe, expect, test } from "bun:test";
import { canonicalJson } from "./canonical-json.ts";
import { outputHash } from "./entry-hash.ts";

describe("canonicalJson (RFC 8785)", () => {
  test("§3.2.2 example: literals, numbers and string escapes", () => {
    const input = JSON.parse(`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`);
    expect(canonicalJson(input)).toBe(
      `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],` +
        `"string":"€$\\u000f\\nA'B\\"\\\\\\\\\\"/"}`,
    );
  });

  test("§3.2.3 example: property sorting by UTF-16 code units", () => {
    const input = JSON.parse(`{
      "\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control",
      "\\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    // Compared as text: re-parsing would let JS move the integer-like key "1" to the front.
    expect(canonicalJson(input)).toBe(
      `{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",` +
        `"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}`,
    );
  });

  // Appendix B: IEEE-754 bit patterns and their canonical text.
  const numbers: [string, string][] = [
    ["0000000000000000", "0"],
    ["8000000000000000", "0"],
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ];
  test.each(numbers)("Appendix B: 0x%s → %s", (bits, expected) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt(`0x${bits}`));
    expect(canonicalJson(view.getFloat64(0))).toBe(expected);
  });

  test("NaN, Infinity, lone surrogates and non-JSON values are rejected", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow();
    expect(() => canonicalJson("\ud800")).toThrow();
    expect(() => canonicalJson({ a: 1n })).toThrow();
  });

  test("nested objects are sorted at every level, no whitespace", () => {
    expect(canonicalJson({ b: [{ z: 1, a: { y: true, x: null } }], a: "" })).toBe(
      `{"a":"","b":[{"a":{"x":null,"y":true},"z":1}]}`,
    );
  });
});

describe("outputHash", () => {
  // A tool's output is not I-JSON by construction: a remote node, or a built-in tool, may return
  // a lone surrogate. The call must still be audited; the entry itself stays strict.
  test("an output that is not I-JSON is hashed in its JSON-safe form, not refused", () => {
    expect(outputHash({ s: "a\ud800", ["k\udc00"]: ["\ud83d"] })).toBe(outputHash({ s: "a\ufffd", ["k\ufffd"]: ["\ufffd"] }));
    expect(outputHash({ n: NaN, f: () => 1 })).toBe(outputHash({ n: null }));
    expect(outputHash({ s: "😀" })).not.toBe(outputHash({ s: "\ufffd" }));
    expect(() => canonicalJson({ s: "a\ud800" })).toThrow("lone surrogate");
  });

  // Too deep to walk even for jsonSafe: still a hash, so the call still gets its audit line.
  test("an output nested past any stack is hashed by its first 64 levels, never a throw", () => {
    const deep = (n: number) => {
      let v: unknown = "bottom";
      for (let i = 0; i < n; i++) v = [v];
      return v;
    };
    expect(outputHash(deep(200_000))).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(outputHash(deep(200_000))).toBe(outputHash(deep(300_000)));
    expect(outputHash(deep(100))).not.toBe(outputHash(deep(101)));
  });
});
