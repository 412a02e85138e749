// A draft-07 schema check done by hand at load. Ajv's own meta-schema check costs ~80 ms of
// import and compile on first use, a third of the gateway's start budget for 50 skills; this
// walk catches the same shape errors (plus unknown keywords and formats, as Ajv's strict mode
// does) in microseconds. Anything subtler surfaces when Ajv compiles on first validateParams,
// or at load in strict mode.
import { isPlainObject, show } from "./manifest-error.ts";

type Kind = "schema" | "schemaOrList" | "schemaMap" | "schemaList" | "count" | "number" | "positive" | "string" | "regex" | "boolean" | "required" | "enum" | "type" | "format" | "array" | "any" | "dependencies";

const KEYWORDS: Record<string, Kind> = {
  $schema: "string", $id: "string", id: "string", $ref: "string", $comment: "string", title: "string", description: "string",
  contentMediaType: "string", contentEncoding: "string", format: "format", pattern: "regex",
  additionalProperties: "schema", additionalItems: "schema", contains: "schema", propertyNames: "schema", not: "schema",
  if: "schema", then: "schema", else: "schema", contentSchema: "schema", items: "schemaOrList",
  properties: "schemaMap", patternProperties: "schemaMap", definitions: "schemaMap", $defs: "schemaMap", dependencies: "dependencies",
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

export function checkSchemaShape(schema: unknown, formats: ReadonlySet<string>, path: PropertyKey[] = []): SchemaProblem | undefined {
  if (typeof schema === "boolean") return undefined;
  if (!isPlainObject(schema)) return { path, message: "must be a schema (an object or boolean)" };
  for (const [key, value] of Object.entries(schema)) {
    const kind = KEYWORDS[key];
    const at = [...path, key];
    if (!kind) return { path: at, message: "unknown JSON Schema keyword (misspelt?); strict schemas allow only standard keywords" };
    const problem = checkValue(kind, value, at, formats);
    if (problem) return problem;
  }
  return undefined;
}

function checkValue(kind: Kind, v: unknown, at: PropertyKey[], formats: ReadonlySet<string>): SchemaProblem | undefined {
  const bad = (message: string) => ({ path: at, message });
  switch (kind) {
    case "schema":
      return checkSchemaShape(v, formats, at);
    case "schemaOrList":
      return Array.isArray(v) ? eachSchema(v, at, formats) : checkSchemaShape(v, formats, at);
    case "schemaList":
      return Array.isArray(v) && v.length > 0 ? eachSchema(v, at, formats) : bad("must be a non-empty array of schemas");
    case "schemaMap":
    case "dependencies":
      if (!isPlainObject(v)) return bad("must be an object of schemas");
      for (const [name, sub] of Object.entries(v)) {
        if (kind === "dependencies" && Array.isArray(sub) && sub.every((s) => typeof s === "string")) continue;
        const p = checkSchemaShape(sub, formats, [...at, name]);
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
    case "regex":
      if (typeof v !== "string") return bad("must be a string");
      try {
        new RegExp(v, "u");
        return undefined;
      } catch {
        return bad("is not a valid regular expression");
      }
    case "format":
      return typeof v === "string" && formats.has(v) ? undefined : bad(`unknown format ${show(v)}; expected one of ${[...formats].join(", ")}`);
    case "required":
      return Array.isArray(v) && v.every((s) => typeof s === "string") && new Set(v).size === v.length ? undefined : bad("must be an array of unique property names");
    case "enum":
      return Array.isArray(v) && v.length > 0 ? undefined : bad("must be a non-empty array");
    case "array":
      return Array.isArray(v) ? undefined : bad("must be an array");
    case "type": {
      const list = Array.isArray(v) ? v : [v];
      return list.length > 0 && list.every((t) => typeof t === "string" && TYPES.includes(t)) ? undefined : bad(`must be one of ${TYPES.join(", ")} (or a list of them)`);
    }
    case "any":
      return undefined;
  }
}

function eachSchema(list: unknown[], at: PropertyKey[], formats: ReadonlySet<string>): SchemaProblem | undefined {
  for (let i = 0; i < list.length; i++) {
    const p = checkSchemaShape(list[i], formats, [...at, i]);
    if (p) return p;
  }
  return undefined;
}
