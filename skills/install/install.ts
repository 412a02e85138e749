// Installing, verifying and removing skills under the home directory's skills/ folder. Everything
// is checked first (the manifest, the name, the copy, skills.lock itself), then the copy is
// renamed into place and the lock written; if the lock cannot be written, the move is undone, so
// a failed install or remove leaves the skill and skills.lock as they were.
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fail } from "../../runtime/contracts/errors.ts";
import type { LoadWarning, Skill } from "../../runtime/contracts/skill.ts";
import { TOOL_NAME } from "../../runtime/contracts/tool.ts";
import { listSkills } from "../list-skills.ts";
import { loadSkill } from "../load-skill.ts";
import { checkImports } from "../skill-imports.ts";
import { readLock, writeLock, type LockEntry } from "./lockfile.ts";
import { skillFiles, treeHash } from "./tree-hash.ts";
import { compareVersions } from "./version-order.ts";

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
  /** The lock entry this install replaced, if any. */
  previous?: LockEntry;
  /** What `force` let through (another source, an older version), for a warning. */
  forced?: string;
}

export interface InstallOptions {
  /** SKILL.md under the Agent Skills spec, as `skill lint --strict`. */
  strict?: boolean;
  /** Replace an installed skill of the same name from another source or at a higher version. */
  force?: boolean;
}

export async function installSkill(source: string, paths: InstallPaths, opts: InstallOptions = {}): Promise<Installed> {
  const from = resolve(source);
  if (!existsSync(from)) {
    fail("not_found", `no skill folder at ${source}`, "pass the path of a folder with a skill.json or SKILL.md (installing by URL or registry name is not supported yet)");
  }
  const { skill, warnings } = await loadSkill(from, { strict: opts.strict === true });
  if (!TOOL_NAME.test(skill.name)) {
    fail("invalid_manifest", `cannot install "${skill.name}": an installed skill's name must be lowercase letters, digits, - or _`, "fix the name in its manifest");
  }
  // The registry lets a built-in win over an installed skill of the same name, so such an
  // install could never be used: refuse it rather than record something that is ignored.
  if ((await builtinNames(paths.builtinDir ?? BUILTIN_DIR)).has(skill.name)) {
    fail("invalid_manifest", `${skill.name} is the name of a built-in skill; rename it`, `change "name" in the skill's manifest, e.g. "my_${skill.name}"`);
  }
  // What `skill lint` reports: an import the sandbox would refuse means the skill can never run.
  checkImports(skill);
  const lock = readLock(paths.lockFile); // a broken lock stops the install before anything moves
  const target = join(paths.skillsDir, skill.name);
  const previous = lock.skills[skill.name];
  const problem = replacementProblem(skill, from, previous, existsSync(target));
  if (problem && !opts.force) {
    fail("invalid_input", problem, `pass --force to replace it (policy.yaml's skills.${skill.name} block then applies to the new one), or run 'moltbot skill remove ${skill.name}' first`);
  }
  const files = skillFiles(from);
  const sha256 = treeHash(from, files);
  mkdirSync(paths.skillsDir, { recursive: true, mode: 0o700 });
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
    return { skill: installed, entry, warnings, replaced, ...(previous ? { previous } : {}), ...(problem ? { forced: problem } : {}) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The policy names skills, so a `skills.<name>` block granted to one author's skill must not
 * silently pass to another's, nor a reviewed version give way to an older one: replacing an
 * installed skill needs the same source at the same or a higher version, or `force`.
 * Returns why the replacement needs `force`, if it does.
 */
function replacementProblem(skill: Skill, from: string, previous: LockEntry | undefined, present: boolean): string | undefined {
  if (!previous) {
    return present ? `${skill.name} is already in the skills folder but not in skills.lock, so its source is unknown; not replacing it with ${skill.version} from ${from}` : undefined;
  }
  const installed = `${skill.name} ${previous.version} is installed from ${previous.source}`;
  if (!sameSource(previous.source, from)) return `${installed}; not replacing it with ${skill.version} from a different source, ${from}`;
  const order = compareVersions(skill.version, previous.version);
  if (order === undefined) return `${installed}; not replacing it with ${skill.version}, a version that cannot be compared with it`;
  if (order < 0) return `${installed}; not replacing it with ${skill.version}, an older version`;
  return undefined;
}

function sameSource(a: string, b: string): boolean {
  if (a === b) return true;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  return real(a) === real(b);
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
