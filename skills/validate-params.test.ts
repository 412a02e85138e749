import { afterAll, describe, expect, test } from "bun:test";
import { loadSkill, validateParams } from "./index.ts";
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
