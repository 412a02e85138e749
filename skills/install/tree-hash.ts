// A skill folder's content hash, as recorded in skills.lock: sha256 over every file's relative
// path and bytes, in sorted order, so the same content always gives the same hash.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fail } from "../../runtime/contracts/errors.ts";

export const MAX_SKILL_BYTES = 50 * 1024 * 1024;
const MAX_FILES = 5000;

/** Lists regular files under `root` (relative, sorted); symlinks and special files are refused. */
export function skillFiles(root: string): string[] {
  const out: string[] = [];
  let bytes = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === ".git" || name === "node_modules") continue;
      const path = join(dir, name);
      const st = lstatSync(path);
      const rel = relative(root, path);
      if (st.isSymbolicLink()) fail("invalid_manifest", `${rel}: is a symbolic link; a skill package must contain plain files only`, "replace the link with the file it points to");
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) {
        bytes += st.size;
        out.push(rel);
      } else fail("invalid_manifest", `${rel}: is not a regular file`, "remove it from the skill folder");
      if (out.length > MAX_FILES) fail("invalid_manifest", `the skill has more than ${MAX_FILES} files`, "ship only what the skill needs");
      if (bytes > MAX_SKILL_BYTES) fail("invalid_manifest", "the skill is larger than 50 MiB", "ship only what the skill needs");
    }
  };
  walk(root);
  return out.sort();
}

export function treeHash(root: string, files = skillFiles(root)): string {
  const h = new Bun.CryptoHasher("sha256");
  for (const rel of files) {
    const data = readFileSync(join(root, rel));
    h.update(`${rel}\0${data.length}\0`);
    h.update(data);
  }
  return `sha256:${h.digest("hex")}`;
}
