// skills.lock (DESIGN §12): which skills are installed, from where, with which content hash.
// Persisted format, versioned: { "v": 1, "skills": { name: { version, source, sha256, installed_at } } }.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fail } from "../../runtime/contracts/errors.ts";
import { syncDir } from "../../runtime/contracts/write-atomic.ts";

export interface LockEntry {
  version: string;
  source: string;
  sha256: string;
  installed_at: string;
}

export interface Lockfile {
  v: 1;
  skills: Record<string, LockEntry>;
}

export function readLock(path: string): Lockfile {
  if (!existsSync(path)) return { v: 1, skills: {} };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    fail("invalid_config", `${path} is not valid JSON`, "restore it from a backup, or delete it and reinstall your skills");
  }
  const lock = data as Partial<Lockfile>;
  if (lock?.v !== 1 || typeof lock.skills !== "object" || lock.skills === null) {
    fail("invalid_config", `${path}: unknown lockfile format (expected "v": 1)`, "upgrade Moltbot, or delete the file and reinstall your skills");
  }
  return lock as Lockfile;
}

/** Temp file, fsync, rename, fsync the folder: the lock is always the old one or the new one. */
export function writeLock(path: string, lock: Lockfile): void {
  const tmp = join(dirname(path), `.skills.lock.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, "w", 0o600);
    try {
      const bytes = Buffer.from(JSON.stringify(lock, null, 2) + "\n");
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // not a file we can remove (e.g. a folder in the way): the original error says more
    }
    throw err;
  }
  syncDir(dirname(path));
}
