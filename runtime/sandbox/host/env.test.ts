import { describe, expect, test } from "bun:test";
import { HOST_API } from "./index.ts";
import { policyWith, testContext } from "./test-context.ts";
import { HostDenied } from "./types.ts";

const get = HOST_API.env!.get!;
process.env.MOLT_ENV_EXACT = "exact-value";
process.env.MOLT_APP_ONE = "one";
process.env.MOLT_OTHER = "other";

describe("env.get", () => {
  const ctx = () => testContext({ policy: policyWith(`{ env: [MOLT_ENV_EXACT, "MOLT_APP_*"] }`), permissions: { env: "all" } });

  test("returns granted variables by exact name and by prefix, synchronously", () => {
    const c = ctx();
    expect(get(c, ["MOLT_ENV_EXACT"])).toBe("exact-value");
    expect(get(c, ["MOLT_APP_ONE"])).toBe("one");
    expect(get(c, ["MOLT_APP_MISSING"])).toBeUndefined();
  });

  test("a variable outside the grant is denied and recorded", () => {
    const c = ctx();
    expect(() => get(c, ["MOLT_OTHER"])).toThrow(HostDenied);
    expect(() => get(c, ["MOLT_ENV_EXACTLY"])).toThrow(/Requires env access to "MOLT_ENV_EXACTLY"/);
    expect(c.denials.map((d) => d.value)).toEqual(["MOLT_OTHER", "MOLT_ENV_EXACTLY"]);
  });

  test("a prompt cannot be asked synchronously, so it denies without asking", () => {
    const c = testContext({ policy: "version: 1\nprompt: true\n", permissions: { env: "all" }, answer: true });
    expect(() => get(c, ["MOLT_OTHER"])).toThrow(HostDenied);
    expect(c.asked).toEqual([]);
  });

  test("the decision is made once per name for the call", () => {
    const c = ctx();
    const first = c.check({ kind: "env", value: "MOLT_APP_ONE" });
    get(c, ["MOLT_APP_ONE"]);
    expect(c.check({ kind: "env", value: "MOLT_APP_ONE" })).toBe(first);
  });

  test("bad names are errors, not lookups", () => {
    expect(() => get(ctx(), ["A=B"])).toThrow(/variable name/);
    expect(() => get(ctx(), [42])).toThrow(/variable name/);
  });

  test("a value that holds a credential is redacted", () => {
    process.env.MOLT_APP_TOKEN = "tok_abcdef123456";
    const c = testContext({
      policy: policyWith(`{ env: ["MOLT_APP_*"] }`),
      permissions: { env: "all" },
      credentials: [{ name: "x", host: "api.example.com", header: "Authorization", format: "Bearer {value}", value: "tok_abcdef123456" }],
    });
    expect(get(c, ["MOLT_APP_TOKEN"])).toBe("[REDACTED]");
    delete process.env.MOLT_APP_TOKEN;
  });
});
