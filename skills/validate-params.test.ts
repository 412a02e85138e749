import { afterAll, describe, expect, spyOn, test } from "bun:test";
import { loadSkill, validateParams } from "./index.ts";
import { getAjv } from "./ajv-instance.ts";
import { tempRoot } from "./temp-skill-dir.ts";
import type { Skill } from "../runtime/contracts/skill.ts";

const tmp = tempRoot();
afterAll(() => tmp.cleanup());
let n = 0;

async function skillWith(parameters: object): Promise<Skill> {
  const dir = tmp.skill(`p${n++}`, {
    "skill.json": { name: "t", version: "1.0.0", description: "d", parameters, implementation: "m.js" },
    "m.js": "export default async () => 1;",
  });
  return (await loadSkill(dir)).skill;
}

const shorthand = {
  confirmation_number: { type: "string", required: true, description: "PNR" },
  seat: { type: "string", enum: ["window", "aisle"] },
  bags: { type: "integer", default: 0, minimum: 0 },
};
const full = {
  type: "object",
  properties: {
    passenger: { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } }, required: ["name"], additionalProperties: false },
    legs: { type: "array", items: { type: "object", properties: { from: { type: "string", minLength: 3 } }, required: ["from"] } },
  },
  required: ["passenger"],
  additionalProperties: false,
};

function messageOf(skill: Skill, params: unknown): string {
  const r = validateParams(skill, params);
  if (r.ok) throw new Error("expected invalid params");
  expect(r.error.code).toBe("invalid_params");
  return r.error.message;
}

describe("shorthand parameters", () => {
  test("valid params pass and defaults are filled in on a copy", async () => {
    const s = await skillWith(shorthand);
    const input = { confirmation_number: "ABC123" };
    const r = validateParams(s, input);
    expect(r).toEqual({ ok: true, value: { confirmation_number: "ABC123", bags: 0 } });
    expect(input).toEqual({ confirmation_number: "ABC123" });
  });
  test("missing required", async () => {
    expect(messageOf(await skillWith(shorthand), {})).toBe("params.confirmation_number: required");
  });
  test("wrong type", async () => {
    expect(messageOf(await skillWith(shorthand), { confirmation_number: 42 })).toBe("params.confirmation_number: must be string");
  });
  test("extra property", async () => {
    expect(messageOf(await skillWith(shorthand), { confirmation_number: "A", sneaky: 1 })).toBe("params.sneaky: not allowed; expected one of confirmation_number, seat, bags");
  });
  test("enum", async () => {
    expect(messageOf(await skillWith(shorthand), { confirmation_number: "A", seat: "roof" })).toBe('params.seat: must be one of "window", "aisle"');
  });
  test("not an object at all", async () => {
    const s = await skillWith(shorthand);
    expect(messageOf(s, "ABC")).toBe("params: must be object");
    expect(messageOf(s, undefined)).toBe("params: must be object");
  });
});

describe("full JSON Schema parameters", () => {
  test("nested paths are named", async () => {
    const s = await skillWith(full);
    expect(messageOf(s, { passenger: {} })).toBe("params.passenger.name: required");
    expect(messageOf(s, { passenger: { name: "A", age: "x" } })).toBe("params.passenger.age: must be integer");
    expect(messageOf(s, { passenger: { name: "A" }, legs: [{ from: "JFK" }, {}] })).toBe("params.legs[1].from: required");
    expect(messageOf(s, { passenger: { name: "A" }, legs: [{ from: "J" }] })).toBe("params.legs[0].from: must NOT have fewer than 3 characters");
    expect(validateParams(s, { passenger: { name: "A" }, legs: [{ from: "JFK" }] }).ok).toBe(true);
  });
  test("odd property names are quoted, not spliced into the path", async () => {
    const s = await skillWith({ type: "object", properties: { "a b": { type: "string" } }, additionalProperties: false });
    expect(messageOf(s, { "a b": 1 })).toBe('params["a b"]: must be string');
  });
  test("messages never echo input values", async () => {
    const secret = "sk-" + "z".repeat(400);
    const s = await skillWith(shorthand);
    for (const params of [{ confirmation_number: 1, seat: secret }, { confirmation_number: "A", seat: secret }, { confirmation_number: "A", [secret]: 1 }]) {
      const msg = messageOf(s, params);
      expect(msg).not.toContain(secret);
      expect(msg.length).toBeLessThan(250);
    }
  });
  test("a schema that only Ajv's strict compile rejects fails as invalid_manifest, not as bad params", async () => {
    const s = await skillWith({ type: "object", properties: {}, required: ["ghost"] });
    const r = validateParams(s, {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("invalid_manifest");
      expect(r.error.message).toStartWith("t: parameters: strict mode");
    }
  });
  test("non-JSON params are rejected", async () => {
    expect(messageOf(await skillWith(shorthand), { confirmation_number: "A", f: () => 1 })).toBe("params: must be JSON data");
  });
  test("two loads of one skill validate alike (cached validator)", async () => {
    const a = await skillWith(full);
    const b = await skillWith(full);
    expect(messageOf(a, {})).toBe("params.passenger: required");
    expect(messageOf(b, {})).toBe("params.passenger: required");
  });
});

test("an instruction skill takes no parameters", async () => {
  const dir = tmp.skill("instr", { "SKILL.md": "---\nname: instr\ndescription: d\n---\nbody" });
  const { skill } = await loadSkill(dir);
  expect(validateParams(skill, {})).toEqual({ ok: true, value: {} });
  expect(messageOf(skill, { x: 1 })).toBe("params.x: not allowed");
});

describe("hostile schemas and arguments", () => {
  test("a skill's catastrophic-backtracking pattern runs in linear time and still decides", async () => {
    const s = await skillWith({ v: { type: "string", pattern: "^(a|a)*$" } });
    expect(messageOf(s, { v: "a".repeat(5000) + "b" })).toBe('params.v: must match pattern "^(a|a)*$"');
    expect(validateParams(s, { v: "a".repeat(5000) })).toEqual({ ok: true, value: { v: "a".repeat(5000) } });
  });

  test("patternProperties use the same engine", async () => {
    const s = await skillWith({ type: "object", patternProperties: { "^(a|a)*$": { type: "string" } }, additionalProperties: false });
    // The 5001-character name is shortened in the message, not echoed.
    expect(messageOf(s, { ["a".repeat(5000) + "b"]: "x" })).toBe(`params["${"a".repeat(38)}…]: not allowed`);
    expect(messageOf(s, { aaa: 1 })).toBe("params.aaa: must be string");
  });

  test("patterns keep their JavaScript meaning", async () => {
    const s = await skillWith({
      type: "object",
      properties: { line: { type: "string", pattern: "^.+$" }, space: { type: "string", pattern: "^\\s+$" }, e: { type: "string", pattern: "^\\u00e9\\ud83d\\ude00$" } },
    });
    expect(messageOf(s, { line: "a\rb" })).toBe('params.line: must match pattern "^.+$"');
    expect(messageOf(s, { line: "a\u2028b" })).toBe('params.line: must match pattern "^.+$"');
    expect(validateParams(s, { line: "a b", space: "\u00a0\u3000", e: "é😀" }).ok).toBe(true);
  });

  test("email and ipv6 formats reject long hostile strings and keep accepting real ones", async () => {
    const s = await skillWith({ type: "object", properties: { email: { type: "string", format: "email" }, ip: { type: "string", format: "ipv6" } } });
    expect(messageOf(s, { email: "a@" + ".".repeat(40000) + " " })).toBe('params.email: must match format "email"');
    expect(messageOf(s, { email: "a".repeat(250) + "@b.co" })).toBe('params.email: must match format "email"');
    expect(messageOf(s, { ip: ":".repeat(40000) + "x" })).toBe('params.ip: must match format "ipv6"');
    expect(messageOf(s, { ip: "1.2.3.4" })).toBe('params.ip: must match format "ipv6"');
    const good = { email: "a".repeat(64) + "@" + "b".repeat(185) + ".com", ip: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" };
    expect(good.email).toHaveLength(254);
    expect(validateParams(s, good)).toEqual({ ok: true, value: good });
    expect(validateParams(s, { ip: "::1" }).ok).toBe(true);
  });

  // Built-in and remote tools reach validateParams without loadSkill: the load-time rules
  // still hold before Ajv compiles.
  const tool = (parameters: Record<string, unknown>): Skill => ({ name: "t", version: "0.0.0", description: "", dir: "", kind: "executable", parameters, permissions: {}, credentials: [], sources: [] });
  function manifestError(s: Skill): string {
    const r = validateParams(s, {});
    if (r.ok) throw new Error("expected a schema error");
    expect(r.error.code).toBe("invalid_manifest");
    return r.error.message;
  }

  test("a schema nested 10,000 levels deep is refused before Ajv compiles it", () => {
    let deep: object = {};
    for (let i = 0; i < 10000; i++) deep = { not: deep };
    expect(manifestError(tool({ type: "object", properties: { a: deep } }))).toBe(
      "t: parameters: properties.a.not.not.not.not: schemas below this field nest more than 64 levels deep; at most 64 are allowed",
    );
  });

  test("a pattern RE2 cannot run is refused, naming the field", () => {
    expect(manifestError(tool({ type: "object", properties: { v: { type: "string", pattern: "^(a)\\1$" } } }))).toStartWith(
      "t: parameters: properties.v.pattern: cannot be run by the linear-time regex engine (backreference \\1)",
    );
  });
});

test("a compile that fails after code generation throws without dumping the code to stderr", () => {
  // At 1000 levels (past the limit validateParams enforces first) the generated function is
  // too deep to parse here; Ajv's default logger then printed all 25 MB of it.
  const deep = JSON.parse('{"type":"object","properties":{"a":'.repeat(1000) + "{}" + "}}".repeat(1000));
  const logged = spyOn(console, "error");
  let calls: unknown[][];
  try {
    getAjv().compile(deep);
  } catch {
    // the throw is expected; what matters is that nothing was logged
  } finally {
    calls = logged.mock.calls.map((args) => args.map((a) => String(a).slice(0, 60)));
    logged.mockRestore();
  }
  expect(calls).toEqual([]);
});
