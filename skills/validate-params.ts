// Checks tool-call parameters against a skill's schema before anything runs. Validators are
// compiled on first use and cached per skill and per schema text, so reloading a skill (as
// `moltbot skill run` does each time) does not recompile.
import type { ErrorObject, ValidateFunction } from "ajv";
import { moltError, type MoltError } from "../runtime/contracts/errors.ts";
import type { Skill } from "../runtime/contracts/skill.ts";
import { getAjv } from "./ajv-instance.ts";
import { KNOWN_FORMATS } from "./formats.ts";
import { fieldPath, show } from "./manifest-error.ts";
import { checkSchemaShape } from "./schema-check.ts";

export type ParamsResult = { ok: true; value: unknown } | { ok: false; error: MoltError };

const bySkill = new WeakMap<Skill, ValidateFunction>();
const bySchema = new Map<string, ValidateFunction>();

/** Compiles (or fetches) the validator; throws if the schema fails the shape check or Ajv's strict compile. */
export function compileParams(skill: Skill): ValidateFunction {
  let v = bySkill.get(skill);
  if (v) return v;
  // Loading already ran this check; tools that never went through loadSkill (built-in and
  // remote ones) get it here, since it bounds the nesting that makes Ajv's compile slow.
  const problem = checkSchemaShape(skill.parameters, KNOWN_FORMATS);
  if (problem) throw new Error(problem.path.length ? `${fieldPath(problem.path)}: ${problem.message}` : problem.message);
  const key = JSON.stringify(skill.parameters);
  v = bySchema.get(key);
  if (!v) {
    v = getAjv().compile(skill.parameters);
    bySchema.set(key, v);
  }
  bySkill.set(skill, v);
  return v;
}

export function validateParams(skill: Skill, params: unknown): ParamsResult {
  let validate: ValidateFunction;
  try {
    validate = compileParams(skill);
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0]!.slice(0, 200) : "does not compile";
    return { ok: false, error: moltError("invalid_manifest", `${skill.name}: parameters: ${why}`, "fix the skill's parameter schema") };
  }
  let value: unknown;
  try {
    // Defaults are filled in on a copy; the caller's object is never changed.
    value = structuredClone(params);
  } catch {
    return { ok: false, error: moltError("invalid_params", "params: must be JSON data") };
  }
  if (validate(value)) return { ok: true, value };
  const e = validate.errors?.[0];
  const message = e ? describe(e) : "params: invalid";
  return { ok: false, error: moltError("invalid_params", message, `\`moltbot skill info ${skill.name}\` lists its parameters`) };
}

function describe(e: ErrorObject): string {
  const at = jsonPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `${at}${member(String(p.missingProperty))}: required`;
    case "additionalProperties": {
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const list = allowed.length ? `; expected one of ${cap(allowed.join(", "))}` : "";
      return `${at}${member(String(p.additionalProperty))}: not allowed${list}`;
    }
    case "type":
      return `${at}: must be ${String(p.type)}`;
    case "enum":
      return `${at}: must be one of ${cap((p.allowedValues as unknown[]).map((v) => show(v)).join(", "))}`;
    default:
      return `${at}: ${cap(e.message ?? "is not valid")}`;
  }
}

/** `/a/b/0` → `params.a.b[0]`. */
function jsonPath(pointer: string): string {
  let out = "params";
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    out += /^\d+$/.test(seg) ? `[${seg}]` : member(seg);
  }
  return out;
}

/** Property names come from the model: a long one is shortened by show(), never echoed whole. */
function member(name: string): string {
  return name.length <= 40 && /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${show(name)}]`;
}

function cap(s: string, max = 160): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
