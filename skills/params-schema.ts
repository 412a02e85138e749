// The `parameters` field: per-field shorthand or a full JSON Schema, both ending as one
// object schema. The schema is checked here, at load, so a bad one is `invalid_manifest`
// rather than a surprise on the first call; compiling it is left to validateParams.
import type { JSONSchema } from "../runtime/contracts/tool.ts";
import { getAjv, KNOWN_FORMATS, knownKeywords } from "./ajv-instance.ts";
import { fieldPath, invalidManifest, isPlainObject, jsonType, show } from "./manifest-error.ts";

export const EMPTY_PARAMETERS: JSONSchema = { type: "object", properties: {}, additionalProperties: false };

const FIELD_TYPES = ["string", "number", "integer", "boolean", "array", "object", "null"];

export function parseParameters(raw: unknown, file: string, field = "parameters", line?: number): JSONSchema {
  if (raw === undefined) return EMPTY_PARAMETERS;
  if (!isPlainObject(raw)) invalidManifest(file, field, `expected an object (field shorthand or JSON Schema), got ${jsonType(raw)}`, line);
  if (typeof raw.type === "string") {
    if (raw.type !== "object") invalidManifest(file, `${field}.type`, `${show(raw.type)} is not allowed; parameters must be an object schema ("type": "object")`, line);
    checkSchema(raw, file, field, line, []);
    return raw;
  }
  const schema = expandShorthand(raw, file, field, line);
  checkSchema(schema, file, field, line, ["properties"]);
  return schema;
}

/** `{ "x": { "type": "string", "required": true } }` → an object schema with `required: ["x"]`. */
function expandShorthand(raw: Record<string, unknown>, file: string, field: string, line?: number): JSONSchema {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(raw)) {
    const at = fieldPath([name], field);
    if (!isPlainObject(spec)) {
      invalidManifest(file, at, `expected {"type": ..., "required"?: true, "description"?: ...}, got ${jsonType(spec)}; a full JSON Schema needs "type": "object"`, line);
    }
    const { required: req, ...rest } = spec;
    if (typeof rest.type !== "string" || !FIELD_TYPES.includes(rest.type)) {
      invalidManifest(file, `${at}.type`, `expected one of ${FIELD_TYPES.join(", ")}`, line);
    }
    if (req !== undefined && typeof req !== "boolean") invalidManifest(file, `${at}.required`, `expected true or false, got ${jsonType(req)}`, line);
    if (req) required.push(name);
    properties[name] = rest;
  }
  return { type: "object", properties, required, additionalProperties: false };
}

/** Meta-schema check plus the unknown-keyword and format checks that Ajv's strict mode does on compile. */
function checkSchema(schema: JSONSchema, file: string, field: string, line: number | undefined, strip: string[]): void {
  const ajv = getAjv();
  if (!ajv.validateSchema(schema)) {
    const e = ajv.errors?.[0];
    const at = schemaField(e?.instancePath ?? "", field, strip);
    invalidManifest(file, at, `${e?.message ?? "is not a valid JSON Schema"} (JSON Schema draft-07)`, line);
  }
  const bad = findUnknown(schema, [], knownKeywords());
  if (bad) invalidManifest(file, fieldPath(stripPrefix(bad.path, strip), field), bad.message, line);
}

function schemaField(pointer: string, field: string, strip: string[]): string {
  const parts = pointer.split("/").slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, "/").replace(/~0/g, "~")));
  return fieldPath(stripPrefix(parts, strip), field);
}

function stripPrefix(path: PropertyKey[], strip: string[]): PropertyKey[] {
  return strip.every((s, i) => path[i] === s) ? path.slice(strip.length) : path;
}

const SCHEMA_MAPS = ["properties", "patternProperties", "definitions", "$defs", "dependencies"];
const SCHEMA_ONE = ["additionalProperties", "additionalItems", "items", "contains", "propertyNames", "not", "if", "then", "else"];
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "items"];

function findUnknown(s: unknown, path: PropertyKey[], known: Record<string, unknown>): { path: PropertyKey[]; message: string } | undefined {
  if (!isPlainObject(s)) return undefined;
  for (const key of Object.keys(s)) {
    if (!Object.hasOwn(known, key)) return { path: [...path, key], message: "unknown JSON Schema keyword (misspelt?); strict schemas allow only standard keywords" };
  }
  if (typeof s.format === "string" && !KNOWN_FORMATS.has(s.format)) {
    return { path: [...path, "format"], message: `unknown format ${show(s.format)}; expected one of ${[...KNOWN_FORMATS].join(", ")}` };
  }
  for (const k of SCHEMA_MAPS) {
    const m = s[k];
    if (!isPlainObject(m)) continue;
    for (const [name, sub] of Object.entries(m)) {
      const r = findUnknown(sub, [...path, k, name], known);
      if (r) return r;
    }
  }
  for (const k of SCHEMA_ONE) {
    const r = findUnknown(s[k], [...path, k], known);
    if (r) return r;
  }
  for (const k of SCHEMA_LISTS) {
    const list = s[k];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const r = findUnknown(list[i], [...path, k, i], known);
      if (r) return r;
    }
  }
  return undefined;
}
