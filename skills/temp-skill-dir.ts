// Test support: builds throwaway skill folders in a temp dir (never touches shared fixtures).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface TempRoot {
  root: string;
  /** Creates `<root>/<folder>` with the given files (object values are written as JSON). */
  skill(folder: string, files: Record<string, string | object>): string;
  cleanup(): void;
}

export function tempRoot(): TempRoot {
  const root = mkdtempSync(join(tmpdir(), "moltbot-skills-"));
  return {
    root,
    skill(folder, files) {
      const dir = join(root, folder);
      mkdirSync(dir, { recursive: true });
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
      }
      return dir;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
