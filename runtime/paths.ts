// How a path a user or skill wrote becomes the path permissions are judged on.
import { realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { expandTilde } from "./home.ts";

/** `~` expanded, made absolute, symlinks resolved; for a path that does not exist yet, the
 *  deepest existing ancestor is resolved and the rest appended. */
export function resolveRealPath(p: string, home: string, cwd = process.cwd()): string {
  const abs = resolve(cwd, expandTilde(p, home));
  let dir = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(dir), ...rest.reverse());
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return abs;
      rest.push(basename(dir));
      dir = parent;
    }
  }
}
