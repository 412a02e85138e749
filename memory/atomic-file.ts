// Writes that a crash cannot half-do: the new content goes to a temp file in the same directory,
// is fsynced, then renamed over the old name (atomic on POSIX), and the directory is fsynced so
// the rename itself survives a power cut. Updates are read-modify-write under the file's lock.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pidAlive, withFileLock } from "./file-lock.ts";

const TMP = /^\.(.+)\.(\d+)\.[a-z0-9]+\.tmp$/;

export function writeFileAtomic(path: string, text: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    const bytes = Buffer.from(text, "utf8");
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* ignore */ }
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  syncDir(dir);
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* some file systems refuse fsync on directories; the rename is still atomic */ }
}

export function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/**
 * Replaces path's content with change(current) under the file's lock (current is null when the
 * file does not exist). Returning the same string skips the write.
 */
export function updateFile(path: string, change: (current: string | null) => string): Promise<string> {
  return withFileLock(path, async () => {
    const current = readText(path);
    const next = change(current);
    if (next !== current) writeFileAtomic(path, next);
    return next;
  });
}

/** Removes temp files left by writers that were killed mid-write (their pid is gone). */
export function removeOrphanTemps(dir: string): number {
  let removed = 0;
  let names: string[];
  try { names = readdirSync(dir); } catch { return 0; }
  for (const name of names) {
    const m = TMP.exec(name);
    if (!m || pidAlive(Number(m[2]))) continue;
    try { unlinkSync(join(dir, name)); removed++; } catch { /* raced with another cleaner */ }
  }
  return removed;
}
