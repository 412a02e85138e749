// skill.json, our own format: every field is checked strictly in both modes (an unknown or
// misspelt key is an error, since silently dropping e.g. "permisions" would mislead).
import * as z from "zod/mini";
import type { DeclaredPermissions } from "../runtime/contracts/permissions.ts";
import type { CredentialRequest } from "../runtime/contracts/skill.ts";
import { TOOL_NAME, type JSONSchema } from "../runtime/contracts/tool.ts";
import { parseCredentials } from "./credentials-field.ts";
import { parseJsonManifest } from "./json-text.ts";
import { invalidManifest, show } from "./manifest-error.ts";
import { parseParameters } from "./params-schema.ts";
import { parsePermissions } from "./permissions-field.ts";
import { describeIssue, PLAIN_ERRORS } from "./zod-issues.ts";

export const SKILL_JSON = "skill.json";
export const VERSION = /^\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const FIELDS = ["name", "version", "description", "parameters", "implementation", "permissions", "credentials"];

const Shape = z.strictObject(
  {
    name: z.string(),
    version: z.optional(z.string().check(z.regex(VERSION, { error: "must be a version like 1.0.0" }))),
    description: z.optional(z.string().check(z.refine((s) => s.trim() !== "", { error: "must not be blank" }), z.maxLength(1024, { error: "must be at most 1024 characters" }))),
    parameters: z.optional(z.unknown()),
    implementation: z.optional(z.unknown()),
    permissions: z.optional(z.unknown()),
    credentials: z.optional(z.unknown()),
  },
  { error: (iss) => (iss.code === "unrecognized_keys" ? `unknown field; expected one of ${FIELDS.join(", ")}` : undefined) },
);

export interface SkillJson {
  name: string;
  version?: string;
  description?: string;
  parameters: JSONSchema;
  /** As written; checked against the folder by the loader. */
  implementation?: unknown;
  permissions: DeclaredPermissions;
  declaresPermissions: boolean;
  credentials: CredentialRequest[];
}

/** With a sibling SKILL.md, description and version may come from there instead. */
export function parseSkillJson(text: string, opts: { besideSkillMd: boolean }): SkillJson {
  const raw = parseJsonManifest(text, SKILL_JSON);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) invalidManifest(SKILL_JSON, undefined, "expected one JSON object");
  const r = Shape.safeParse(raw, PLAIN_ERRORS);
  if (!r.success) {
    const d = describeIssue(r.error.issues[0]!, raw);
    invalidManifest(SKILL_JSON, d.field, d.message);
  }
  const m = r.data;
  if (!TOOL_NAME.test(m.name)) invalidManifest(SKILL_JSON, "name", `${show(m.name)} must be 1-64 lowercase letters, digits, _ or -, starting with a letter or digit`);
  if (!opts.besideSkillMd) {
    for (const f of ["version", "description", "implementation"] as const) {
      if (m[f] === undefined) invalidManifest(SKILL_JSON, f, f === "implementation" ? "required; skill.json describes an executable skill (use SKILL.md alone for instructions)" : "required");
    }
  }
  return {
    name: m.name,
    version: m.version,
    description: m.description,
    parameters: parseParameters(m.parameters, SKILL_JSON),
    implementation: m.implementation,
    permissions: parsePermissions(m.permissions, SKILL_JSON),
    declaresPermissions: m.permissions !== undefined,
    credentials: parseCredentials(m.credentials, SKILL_JSON),
  };
}
