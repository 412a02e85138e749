// The `parameters` field: per-field shorthand or a full JSON Schema, both ending as one
// object schema. The schema is checked here, at load, so a bad one is `invalid_manifest`
// rather than a surprise on the first call; compiling it is left to validateParams.
import type { JSONSchema } from "../runtime/contracts/tool.ts";
import { KNOWN_FORMATS } from "./formats.ts";
import { checkSchemaShape } from "./schema-check.ts";
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

function checkSchema(schema: JSONSchema, file: string, field: string, line: number | undefined, strip: string[]): void {
  const problem = checkSchemaShape(schema, KNOWN_FORMATS);
  if (problem) invalidManifest(file, fieldPath(stripPrefix(problem.path, strip), field), problem.message, line);
}

function stripPrefix(path: PropertyKey[], strip: string[]): PropertyKey[] {
  return strip.every((s, i) => path[i] === s) ? path.slice(strip.length) : path;
}
