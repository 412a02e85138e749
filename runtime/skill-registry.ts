// The skills the assistant offers: the built-in ones shipped in skills/builtin/, then those the
// user installed under ~/.moltbot/skills. A name is taken by the first folder that has it: an
// installed skill cannot shadow a built-in one (a warning says so), so a download can never
// quietly replace `file_read` with something else of the same name.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MoltError } from "./contracts/errors.ts";
import type { Skill } from "./contracts/skill.ts";
import { listSkills } from "../skills/index.ts";

export const BUILTIN_SKILLS = resolve(import.meta.dir, "../skills/builtin");

export interface Registry {
  skills: Skill[];
  problems: { dir: string; error: MoltError }[];
}

export async function loadRegistry(homeSkills: string, builtin = BUILTIN_SKILLS): Promise<Registry> {
  const skills: Skill[] = [];
  const problems: Registry["problems"] = [];
  const seen = new Map<string, string>();
  for (const root of [builtin, homeSkills]) {
    if (!existsSync(root)) continue;
    const found = await listSkills(root);
    problems.push(...found.errors);
    for (const { skill } of found.skills) {
      const first = seen.get(skill.name);
      if (first) {
        problems.push({ dir: skill.dir, error: { code: "invalid_manifest", message: `skill ${skill.name} in ${skill.dir} is ignored: ${first} already has that name`, hint: "rename the installed skill" } });
        continue;
      }
      seen.set(skill.name, skill.dir);
      skills.push(skill);
    }
  }
  return { skills, problems };
}

/** A built-in skill's folder by name, if there is one. */
export function builtinSkillDir(name: string): string | null {
  const dir = join(BUILTIN_SKILLS, name);
  return existsSync(join(dir, "skill.json")) || existsSync(join(dir, "SKILL.md")) ? dir : null;
}
