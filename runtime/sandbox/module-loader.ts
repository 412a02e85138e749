// ES module loading confined to the skill folder. Module names inside QuickJS are virtual
// ("/lib/util.js", relative to the folder), so no host path is ever shown to the skill. Only
// relative specifiers resolve; each target is realpath-checked so `..` and symlinks cannot
// leave the folder; bare specifiers ("fs", "node:fs", "bun:sqlite") and absolute paths fail.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { posix, relative, resolve, sep } from "node:path";
import type { JSModuleLoader, JSModuleNormalizer } from "quickjs-emscripten-core";

/** Largest module source read (a skill is code, not data). */
export const MAX_MODULE_BYTES = 4 * 1024 * 1024;

export interface SkillModules {
  normalize: JSModuleNormalizer;
  load: JSModuleLoader;
  /** Virtual name of the implementation file, e.g. "/checkin.js". */
  entry: string;
  /** The skill folder's real path; a virtual name "/x.js" is the file `root + "/x.js"`. */
  root: string;
  /** What `normalize` resolved so far, by importing folder and specifier (see `remembered`). */
  resolved: Map<string, string>;
}

/**
 * `modules.normalize` answering from what it resolved before, without the file system: for a
 * context whose modules were compiled ahead and are known unchanged (fresh-context.ts
 * `stillCurrent`), where each resolution would re-check paths the compile already checked.
 */
export function remembered(modules: SkillModules): JSModuleNormalizer {
  return (base, requested, context) => modules.resolved.get(resolutionKey(base, requested)) ?? modules.normalize(base, requested, context);
}

/** Names outside the virtual tree (the prelude's) resolve from the folder root. */
const baseDirOf = (base: string) => (base.startsWith("/") && !base.startsWith("/<") ? posix.dirname(base) : "/");
const resolutionKey = (base: string, requested: string) => `${baseDirOf(base)}\0${requested}`;

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Resolves a file inside `root` to its virtual name, or throws a message for the skill. */
function toVirtual(root: string, target: string, shown: string): string {
  if (!inside(root, target)) throw new Error(`cannot import "${shown}": it is outside the skill folder`);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    throw new Error(`cannot import "${shown}": no such file in the skill folder`);
  }
  if (!inside(root, real)) throw new Error(`cannot import "${shown}": it links outside the skill folder`);
  if (!statSync(real).isFile()) throw new Error(`cannot import "${shown}": not a file`);
  return "/" + relative(root, real).split(sep).join("/");
}

/**
 * Builds the loader for one skill. `dir` is the skill folder, `implementation` the manifest's
 * path relative to it. Throws (for the host) when the implementation itself is unusable.
 */
export function skillModules(dir: string, implementation: string): SkillModules {
  const root = realpathSync(dir);
  const entry = toVirtual(root, resolve(root, implementation), implementation);

  // quickjs-emscripten drops a normalizer's error and goes on to load an empty name, so a
  // refusal is returned as a reserved name that the loader turns back into the error.
  const refusals = new Map<string, Error>();
  const refuse = (err: Error) => {
    const name = `/<refused-${refusals.size}>`;
    refusals.set(name, err);
    return name;
  };

  const resolved = new Map<string, string>();
  const normalize: JSModuleNormalizer = (base, requested) => {
    try {
      if (!requested.startsWith("./") && !requested.startsWith("../")) {
        throw new Error(`cannot import "${requested}": a skill may import only its own files, by a relative path like "./lib.js"`);
      }
      if (requested.includes("\0")) throw new Error("cannot import a path with a NUL byte");
      const name = toVirtual(root, resolve(root, "." + baseDirOf(base), requested), requested);
      resolved.set(resolutionKey(base, requested), name);
      return name;
    } catch (err) {
      return refuse(err as Error);
    }
  };

  const load: JSModuleLoader = (name) => {
    const refused = refusals.get(name);
    if (refused) return { error: refused };
    try {
      if (!name.startsWith("/") || name.startsWith("/<")) throw new Error(`cannot import "${name}"`);
      const real = realpathSync(resolve(root, "." + name));
      if (!inside(root, real)) throw new Error(`cannot import "${name}": it is outside the skill folder`);
      if (statSync(real).size > MAX_MODULE_BYTES) throw new Error(`cannot import "${name}": larger than ${MAX_MODULE_BYTES} bytes`);
      return readFileSync(real, "utf8");
    } catch (err) {
      return { error: err instanceof Error && err.message.startsWith("cannot import") ? err : new Error(`cannot import "${name}"`) };
    }
  };

  return { normalize, load, entry, root, resolved };
}
