// The Agent Skills frontmatter rules. Each broken rule is an issue; strict mode rejects on
// any, lenient mode rejects only when there is no usable name or description and warns on
// the rest (published skills break the spec in many small, harmless ways).
import { isPlainObject, jsonType, show, type ManifestIssue } from "./manifest-error.ts";

export const STANDARD_KEYS = ["name", "description", "license", "compatibility", "metadata", "allowed-tools"];
const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export interface RuleIssue extends ManifestIssue {
  /** Rejects the skill in lenient mode too. */
  fatal?: boolean;
}

export function checkFrontmatter(data: Record<string, unknown>, lines: Record<string, number>, file: string, folder: string): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const add = (field: string, message: string, fatal = false, line = lines[field]) => issues.push({ file, line, field, message, fatal });

  const name = data.name;
  if (name === undefined || name === null || (typeof name === "string" && name.trim() === "")) add("name", "required; expected the skill's name, e.g. name: my-skill", true);
  else if (typeof name !== "string") add("name", `expected a string, got ${jsonType(name)}`, typeof name === "object");
  else {
    if ([...name].length > 64 || !NAME.test(name)) add("name", `${show(name)} must be 1-64 lowercase letters, digits and single hyphens`);
    if (name !== folder) add("name", `${show(name)} must equal the folder name ${show(folder)}`);
  }

  const desc = data.description;
  if (typeof desc !== "string" || desc.trim() === "") {
    add("description", desc === undefined || desc === null || desc === "" ? "required; expected a non-blank description of what the skill does and when to use it" : `expected a non-blank string, got ${jsonType(desc)}`, true);
  } else if ([...desc].length > 1024) add("description", `is ${[...desc].length} characters; at most 1024 allowed`);

  for (const key of Object.keys(data)) {
    if (!STANDARD_KEYS.includes(key)) add(key, `not a standard field; expected only ${STANDARD_KEYS.join(", ")} (put extra data under metadata)`);
  }
  for (const key of ["license", "allowed-tools"]) {
    if (key in data && typeof data[key] !== "string") add(key, `expected a string, got ${jsonType(data[key])}`);
  }
  if ("compatibility" in data) {
    const c = data.compatibility;
    if (typeof c !== "string" || c.trim() === "") add("compatibility", "expected a non-empty string");
    else if ([...c].length > 500) add("compatibility", `is ${[...c].length} characters; at most 500 allowed`);
  }
  if ("metadata" in data) {
    const m = data.metadata;
    if (!isPlainObject(m)) add("metadata", `expected a map of string to string, got ${jsonType(m)}`);
    else {
      const bad = Object.entries(m).find(([, v]) => typeof v !== "string");
      if (bad) add(`metadata.${bad[0]}`, `expected a string value (metadata is a map of string to string), got ${jsonType(bad[1])}`, false, lines.metadata);
    }
  }
  return issues;
}

/** A name usable when lenient: numbers and booleans are read as text. */
export function lenientString(v: unknown): string {
  return typeof v === "string" ? v.trim() : String(v);
}
