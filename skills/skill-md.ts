// SKILL.md (Agent Skills standard) → the parts the loader combines: name, description, body,
// and whatever Moltbot reads from metadata. Never runs or imports anything.
import type { LoadWarning } from "../runtime/contracts/skill.ts";
import { readFrontmatter } from "./frontmatter.ts";
import { throwIssue, toWarning } from "./manifest-error.ts";
import { readMetadata, type MetadataFields } from "./skill-md-metadata.ts";
import { checkFrontmatter, lenientString } from "./skill-md-rules.ts";

export const SKILL_MD = "SKILL.md";

export interface SkillMd {
  name: string;
  description: string;
  body: string;
  version?: string;
  machine: MetadataFields["machine"];
  /** Line of the `metadata` key, for messages about fields read from it. */
  metadataLine?: number;
  requires?: MetadataFields["requires"];
  warnings: LoadWarning[];
}

export function parseSkillMd(text: string, folder: string, strict: boolean): SkillMd {
  const fm = readFrontmatter(text, SKILL_MD, !strict);
  if ("message" in fm) throwIssue(fm, "SKILL.md starts with a --- line, then name: and description:, then a closing --- line");
  const warnings: LoadWarning[] = [];
  if (fm.yamlError) warnings.push(toWarning({ ...fm.yamlError, message: `${fm.yamlError.message}; read line by line instead` }));
  for (const issue of checkFrontmatter(fm.data, fm.keyLines, SKILL_MD, folder)) {
    if (issue.fatal) throwIssue(issue);
    if (strict) throwIssue(issue, "without --strict this loads with a warning");
    warnings.push(toWarning(issue));
  }
  const meta = readMetadata(fm.data.metadata, SKILL_MD, fm.keyLines.metadata, strict);
  if (meta.errors[0]) throwIssue(meta.errors[0]);
  warnings.push(...meta.warnings.map(toWarning));
  return {
    name: lenientString(fm.data.name),
    description: (fm.data.description as string).trim(),
    body: fm.body,
    version: meta.version,
    machine: meta.machine,
    metadataLine: fm.keyLines.metadata,
    requires: meta.requires,
    warnings,
  };
}
