// Public API of the skill loader (DESIGN §3). Importing this is cheap: Ajv and yaml load on
// first use.
export { loadSkill, type LoadedSkill, type LoadOptions } from "./load-skill.ts";
export { listSkills, type SkillListing } from "./list-skills.ts";
export { validateParams, type ParamsResult } from "./validate-params.ts";
export { EMPTY_PARAMETERS } from "./params-schema.ts";
export { checkImports, findImportIssues, IMPORT_RULE } from "./skill-imports.ts";
