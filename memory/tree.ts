// The Markdown files under the memory root, each with a stamp that changes whenever the file
// does. Dotfiles (the index, temp files, locks) and symlinks are skipped: a link could pull
// files from outside the memory folder into search results.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** rel path ("users/x.md") → stamp, for every Markdown file under root. */
export function listMarkdown(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), relPath);
      else if (e.isFile() && e.name.endsWith(".md")) {
        const stamp = stampOf(join(dir, e.name));
        if (stamp !== null) out.set(relPath, stamp);
      }
    }
  };
  walk(root, "");
  return out;
}

/** mtime (ns), size and inode: an editor's save or our rename changes at least one. */
export function stampOf(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.mtimeNs}:${s.size}:${s.ino}`;
  } catch {
    return null;
  }
}
