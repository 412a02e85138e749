// Installing, verifying and removing skills under the home directory's skills/ folder. Everything
// is checked first (the manifest, the name, the copy, skills.lock itself), then the copy is
// renamed into place and the lock written; if the lock cannot be written, the move is undone, so
// a failed install or remove leaves the skill and skills.lock as they were.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fail } from "../../runtime/contracts/errors.ts";
import type { LoadWarning, Skill } from "../../runtime/contracts/skill.ts";
import { TOOL_NAME } from "../../runtime/contracts/tool.ts";
import { listSkills } from "../list-skills.ts";
import { loadSkill } from "../load-skill.ts";
import { readLock, writeLock, type LockEntry } from "./lockfile.ts";
import { skillFiles, treeHash } from "./tree-hash.ts";

const BUILTIN_DIR = resolve(import.meta.dir, "../builtin");

export interface InstallPaths {
  /** The home's skills/ folder. */
  skillsDir: string;
  /** The home's skills.lock. */
  lockFile: string;
  /** The built-in skills, whose names an installed skill may not take (default skills/builtin). */
  builtinDir?: string;
}

export interface Installed {
  skill: Skill;
  entry: LockEntry;
  warnings: LoadWarning[];
  replaced: boolean;
}

export async function installSkill(source: string, paths: InstallPaths, opts: { strict?: boolean } = {}): Promise<Installed> {
  const from = resolve(source);
  if (!existsSync(from)) {
    fail("not_found", `no skill folder at ${source}`, "pass the path of a folder with a skill.json or SKILL.md (installing by URL or registry name is not supported yet)");
  }
  const { skill, warnings } = await loadSkill(from, opts);
  if (!TOOL_NAME.test(skill.name)) {
    fail("invalid_manifest", `cannot install "${skill.name}": an installed skill's name must be lowercase letters, digits, - or _`, "fix the name in its manifest");
  }
  // The registry lets a built-in win over an installed skill of the same name, so such an
  // install could never be used: refuse it rather than record something that is ignored.
  if ((await builtinNames(paths.builtinDir ?? BUILTIN_DIR)).has(skill.name)) {
    fail("invalid_manifest", `${skill.name} is the name of a built-in skill; rename it`, `change "name" in the skill's manifest, e.g. "my_${skill.name}"`);
  }
  const lock = readLock(paths.lockFile); // a broken lock stops the install before anything moves
  const files = skillFiles(from);
  const sha256 = treeHash(from, files);
  mkdirSync(paths.skillsDir, { recursive: true, mode: 0o700 });
  const target = join(paths.skillsDir, skill.name);
  const staging = join(paths.skillsDir, `.installing-${skill.name}-${process.pid}`);
  const old = join(paths.skillsDir, `.replaced-${skill.name}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
  try {
    for (const rel of files) cpSync(join(from, rel), join(staging, rel), { errorOnExist: true, force: false });
    if (treeHash(staging) !== sha256) fail("internal", `the copy of ${skill.name} does not match its source`, "try again; the source may be changing");
    // The copy must load too: it is what will run. (Lenient: its folder is not yet named after it.)
    await loadSkill(staging, { strict: false });
    const entry: LockEntry = { version: skill.version, source: from, sha256, installed_at: new Date().toISOString() };
    const replaced = existsSync(target);
    if (replaced) renameSync(target, old);
    try {
      renameSync(staging, target);
      try {
        writeLock(paths.lockFile, { ...lock, skills: { ...lock.skills, [skill.name]: entry } });
      } catch (err) {
        renameSync(target, staging);
        throw err;
      }
    } catch (err) {
      if (replaced) renameSync(old, target);
      throw err;
    }
    rmSync(old, { recursive: true, force: true });
    const { skill: installed } = await loadSkill(target, { strict: false });
    return { skill: installed, entry, warnings, replaced };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export function removeSkill(name: string, paths: InstallPaths): void {
  const lock = readLock(paths.lockFile);
  const target = join(paths.skillsDir, name);
  if (!TOOL_NAME.test(name) || (!existsSync(target) && !lock.skills[name])) {
    fail("not_found", `no installed skill named '${name}'`, "see 'moltbot skill list'");
  }
  const { [name]: _removed, ...rest } = lock.skills;
  // Moved aside first, deleted only once the lock no longer lists it.
  const aside = join(paths.skillsDir, `.removing-${name}-${process.pid}`);
  rmSync(aside, { recursive: true, force: true });
  const present = existsSync(target);
  if (present) renameSync(target, aside);
  try {
    writeLock(paths.lockFile, { ...lock, skills: rest });
  } catch (err) {
    if (present) renameSync(aside, target);
    throw err;
  }
  rmSync(aside, { recursive: true, force: true });
}

/** Built-in skill names: their folders' names and their manifests' names. */
async function builtinNames(dir: string): Promise<Set<string>> {
  if (!existsSync(dir)) return new Set();
  const names = new Set(readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name));
  for (const { skill } of (await listSkills(dir)).skills) names.add(skill.name);
  return names;
}

export type VerifyState = "ok" | "modified" | "missing" | "unlocked";

/** Compares each installed skill with its lock entry. */
export function verifySkills(paths: InstallPaths): { name: string; state: VerifyState; expected?: string; actual?: string }[] {
  const lock = readLock(paths.lockFile);
  const out: { name: string; state: VerifyState; expected?: string; actual?: string }[] = [];
  for (const [name, entry] of Object.entries(lock.skills).sort(([a], [b]) => a.localeCompare(b))) {
    const dir = join(paths.skillsDir, name);
    if (!existsSync(dir)) {
      out.push({ name, state: "missing", expected: entry.sha256 });
      continue;
    }
    let actual: string;
    try {
      actual = treeHash(dir);
    } catch {
      actual = "unreadable";
    }
    out.push({ name, state: actual === entry.sha256 ? "ok" : "modified", expected: entry.sha256, actual });
  }
  if (existsSync(paths.skillsDir)) {
    for (const name of readdirSync(paths.skillsDir).sort()) {
      if (!name.startsWith(".") && !lock.skills[name]) out.push({ name, state: "unlocked" });
    }
  }
  return out;
}
