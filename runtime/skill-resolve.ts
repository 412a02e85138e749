// Which skill a command means: a folder path, or the name of a skill installed in the home.
import { existsSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fail } from "./contracts/errors.ts";
import type { LoadWarning, Skill } from "./contracts/skill.ts";
import { TOOL_NAME } from "./contracts/tool.ts";
import { homePaths, moltbotHome } from "./home.ts";
import { loadSkill } from "../skills/index.ts";
import { builtinSkillDir } from "./skill-registry.ts";

/** `<dir|name>`: a folder path, a built-in skill's name, or an installed skill's name. */
export function resolveSkillDir(arg: string): string {
  const asPath = resolve(arg);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return asPath;
  if (!isAbsolute(arg) && TOOL_NAME.test(arg)) {
    const builtin = builtinSkillDir(arg);
    if (builtin) return builtin;
    const installed = resolve(homePaths(moltbotHome()).skills, arg);
    if (existsSync(installed)) return installed;
  }
  fail("not_found", `no skill folder or installed skill named '${arg}'`, "pass a path to a skill folder, or see 'moltbot skill list'");
}

export async function loadSkillArg(arg: string, strict = false): Promise<{ skill: Skill; warnings: LoadWarning[] }> {
  return loadSkill(resolveSkillDir(arg), { strict });
}

