import type { DeclaredPermissions } from "./permissions.ts";
import type { JSONSchema } from "./tool.ts";

/** A credential a skill asks the host to attach to matching fetch requests (DESIGN §4). */
export interface CredentialRequest {
  name: string;
  host: string;
  header: string;
  format: string; // e.g. "Bearer {value}"
}

/** A loaded skill, whichever manifest form it came from. Loading never runs skill code. */
export interface Skill {
  name: string;
  version: string;
  description: string;
  /** Absolute real path of the skill folder. */
  dir: string;
  /** "executable" has an implementation and is one tool; "instruction" is a SKILL.md body for the model. */
  kind: "executable" | "instruction";
  /** Full JSON Schema (object) for the parameters; the shorthand is expanded at load. */
  parameters: JSONSchema;
  /** Implementation path relative to `dir` (executable skills only). */
  implementation?: string;
  permissions: DeclaredPermissions;
  credentials: CredentialRequest[];
  /** The SKILL.md body (Markdown after the frontmatter), if any. */
  body?: string;
  /** Which files the manifest came from, e.g. ["skill.json"], ["SKILL.md", "skill.json"]. */
  sources: string[];
  requires?: { bins?: string[]; env?: string[] };
}

export interface LoadWarning {
  file: string;
  field?: string;
  message: string;
}
