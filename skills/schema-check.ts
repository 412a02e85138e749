// A draft-07 schema check done by hand at load. Ajv's own meta-schema check costs ~80 ms of
// import and compile on first use, a third of the gateway's start budget for 50 skills; this
// walk catches the same shape errors (plus unknown keywords and formats, as Ajv's strict mode
// does) in microseconds. Patterns are also compiled with the linear-time engine Ajv is given
// (ajv-instance.ts; re2js is required on the first pattern), so one it cannot run fails the
// load rather than the first call. Anything subtler surfaces when Ajv compiles on first
// validateParams, or at load in strict mode.
import { linearPatternProblem } from "./linear-regexp.ts";
import { isPlainObject, show } from "./manifest-error.ts";

type Kind = "schema" | "schemaOrList" | "schemaMap" | "patternMap" | "schemaList" | "count" | "number" | "positive" | "string" | "regex" | "boolean" | "required" | "enum" | "type" | "format" | "array" | "any" | "dependencies";

const KEYWORDS: Record<string, Kind> = {
  $schema: "string", $id: "string", id: "string", $ref: "string", $comment: "string", title: "string", description: "string",
  contentMediaType: "string", contentEncoding: "string", format: "format", pattern: "regex",
  additionalProperties: "schema", additionalItems: "schema", contains: "schema", propertyNames: "schema", not: "schema",
  if: "schema", then: "schema", else: "schema", contentSchema: "schema", items: "schemaOrList",
  properties: "schemaMap", patternProperties: "patternMap", definitions: "schemaMap", $defs: "schemaMap", dependencies: "dependencies",
  allOf: "schemaList", anyOf: "schemaList", oneOf: "schemaList",
  maxLength: "count", minLength: "count", maxItems: "count", minItems: "count", maxProperties: "count", minProperties: "count",
  maximum: "number", minimum: "number", exclusiveMaximum: "number", exclusiveMinimum: "number", multipleOf: "positive",
  uniqueItems: "boolean", readOnly: "boolean", writeOnly: "boolean", deprecated: "boolean", nullable: "boolean", $async: "boolean",
  required: "required", enum: "enum", type: "type", examples: "array", const: "any", default: "any", $vocabulary: "any",
};
const TYPES = ["string", "number", "integer", "boolean", "array", "object", "null"];

export interface SchemaProblem {
  path: PropertyKey[];
  message: string;
}

/**
 * How deep schemas (and literal values such as `default`) may nest. Real parameter schemas stay
 * far below this; deeper ones made Ajv's compile slow (1000 levels: 1.3 s) and could overflow
 * the stack here and in Ajv.
 */
const MAX_SCHEMA_DEPTH = 64;
/** Segments of the path shown when the depth limit is hit; the full path would be hundreds. */
const DEPTH_PATH_SHOWN = 6;

/**
 * Where a value sits, as a chain to its parent: an array copy per level made a deep schema
 * quadratic, and the path is only needed for the one problem reported.
 */
interface At {
  up: At | undefined;
  key: PropertyKey;
}

function pathOf(at: At | undefined): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let a = at; a; a = a.up) path.push(a.key);
  return path.reverse();
}

export function checkSchemaShape(schema: unknown, formats: ReadonlySet<string>): SchemaProblem | undefined {
  return checkSchema(schema, formats, undefined, 1);
}

function checkSchema(schema: unknown, formats: ReadonlySet<string>, at: At | undefined, depth: number): SchemaProblem | undefined {
  if (typeof schema === "boolean") return undefined;
  if (!isPlainObject(schema)) return { path: pathOf(at), message: "must be a schema (an object or boolean)" };
  if (depth > MAX_SCHEMA_DEPTH) return tooDeep(at, "schemas");
  for (const [key, value] of Object.entries(schema)) {
    // hasOwn: a key like "constructor" must not find Object.prototype's and pass as a keyword.
    const kind = Object.hasOwn(KEYWORDS, key) ? KEYWORDS[key] : undefined;
    const here = { up: at, key };
    if (!kind) return { path: pathOf(here), message: "unknown JSON Schema keyword (misspelt?); strict schemas allow only standard keywords" };
    const problem = checkValue(kind, value, here, formats, depth);
    if (problem) return problem;
  }
  return undefined;
}

function tooDeep(at: At | undefined, what: string): SchemaProblem {
  return { path: pathOf(at).slice(0, DEPTH_PATH_SHOWN), message: `${what} below this field nest more than ${MAX_SCHEMA_DEPTH} levels deep; at most ${MAX_SCHEMA_DEPTH} are allowed` };
}

function checkValue(kind: Kind, v: unknown, at: At, formats: ReadonlySet<string>, depth: number): SchemaProblem | undefined {
  const bad = (message: string) => ({ path: pathOf(at), message });
  switch (kind) {
    case "schema":
      return checkSchema(v, formats, at, depth + 1);
    case "schemaOrList":
      return Array.isArray(v) ? eachSchema(v, at, formats, depth) : checkSchema(v, formats, at, depth + 1);
    case "schemaList":
      return Array.isArray(v) && v.length > 0 ? eachSchema(v, at, formats, depth) : bad("must be a non-empty array of schemas");
    case "schemaMap":
    case "patternMap":
    case "dependencies":
      if (!isPlainObject(v)) return bad("must be an object of schemas");
      for (const [name, sub] of Object.entries(v)) {
        const here = { up: at, key: name };
        if (kind === "patternMap") {
          const problem = regexProblem(name);
          if (problem) return { path: pathOf(here), message: problem };
        }
        if (kind === "dependencies" && Array.isArray(sub) && sub.every((s) => typeof s === "string")) continue;
        const p = checkSchema(sub, formats, here, depth + 1);
        if (p) return p;
      }
      return undefined;
    case "count":
      return Number.isInteger(v) && (v as number) >= 0 ? undefined : bad("must be a non-negative integer");
    case "number":
      return typeof v === "number" && Number.isFinite(v) ? undefined : bad("must be a number");
    case "positive":
      return typeof v === "number" && v > 0 ? undefined : bad("must be a number greater than 0");
    case "string":
      return typeof v === "string" ? undefined : bad("must be a string");
    case "boolean":
      return typeof v === "boolean" ? undefined : bad("must be true or false");
    case "regex": {
      if (typeof v !== "string") return bad("must be a string");
      const problem = regexProblem(v);
      return problem ? bad(problem) : undefined;
    }
    case "format":
      return typeof v === "string" && formats.has(v) ? undefined : bad(`unknown format ${show(v)}; expected one of ${[...formats].join(", ")}`);
    case "required":
      return Array.isArray(v) && v.every((s) => typeof s === "string") && new Set(v).size === v.length ? undefined : bad("must be an array of unique property names");
    case "enum":
      if (!Array.isArray(v) || v.length === 0) return bad("must be a non-empty array");
      return literalTooDeep(v) ? tooDeep(at, "values") : undefined;
    case "array":
      if (!Array.isArray(v)) return bad("must be an array");
      return literalTooDeep(v) ? tooDeep(at, "values") : undefined;
    case "type": {
      const list = Array.isArray(v) ? v : [v];
      return list.length > 0 && list.every((t) => typeof t === "string" && TYPES.includes(t)) ? undefined : bad(`must be one of ${TYPES.join(", ")} (or a list of them)`);
    }
    case "any":
      return literalTooDeep(v) ? tooDeep(at, "values") : undefined;
  }
}

function eachSchema(list: unknown[], at: At, formats: ReadonlySet<string>, depth: number): SchemaProblem | undefined {
  for (let i = 0; i < list.length; i++) {
    const p = checkSchema(list[i], formats, { up: at, key: i }, depth + 1);
    if (p) return p;
  }
  return undefined;
}

/**
 * A pattern must be a valid ECMA-262 regex (the schema also goes to model providers) and one
 * the linear-time engine validation uses can run; see ajv-instance.ts.
 */
function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, "u");
  } catch {
    return "is not a valid regular expression";
  }
  return linearPatternProblem(pattern);
}

/**
 * Literal values (`default`, `const`, `enum`, `examples`) nested deeper than the limit: Ajv
 * writes them into generated code, and a `default` 6400 levels deep hung the validator.
 * Iterative, so the check itself cannot overflow.
 */
function literalTooDeep(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth > MAX_SCHEMA_DEPTH) return true;
    for (const item of Array.isArray(v) ? v : Object.values(v)) stack.push([item, depth + 1]);
  }
  return false;
}
