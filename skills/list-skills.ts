// Loads every skill folder under a root. One broken skill is reported beside the others,
// never hides them; two folders claiming one name are both suspect, so the later is an error.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fail, moltError, toMoltError, type MoltError } from "../runtime/contracts/errors.ts";
import { loadSkill, type LoadedSkill, type LoadOptions } from "./load-skill.ts";

export interface SkillListing {
  /** Sorted by folder name. */
  skills: LoadedSkill[];
  errors: { dir: string; error: MoltError }[];
}

export async function listSkills(root: string, opts: LoadOptions = {}): Promise<SkillListing> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    fail("not_found", `${root}: no such skills folder`, "pass a folder whose subfolders are skills");
  }
  const dirs = entries
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith(".") && e.name !== "node_modules")
    .map((e) => e.name)
    .sort();
  const results = await Promise.all(
    dirs.map(async (name) => {
      const dir = join(root, name);
      try {
        return { dir, loaded: await loadSkill(dir, opts) };
      } catch (err) {
        return { dir, error: toMoltError(err) };
      }
    }),
  );
  const out: SkillListing = { skills: [], errors: [] };
  const byName = new Map<string, string>();
  for (const r of results) {
    if (r.error) {
      out.errors.push({ dir: r.dir, error: r.error });
      continue;
    }
    const name = r.loaded!.skill.name;
    const first = byName.get(name);
    if (first !== undefined) {
      out.errors.push({ dir: r.dir, error: moltError("invalid_manifest", `${r.dir}: name ${JSON.stringify(name)} is already used by ${first}`, "give each skill its own name") });
      continue;
    }
    byName.set(name, r.dir);
    out.skills.push(r.loaded!);
  }
  return out;
}
