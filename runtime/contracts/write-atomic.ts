// Writes a crash cannot half-do: the new content goes to a temp file in the same folder
// (`.<name>.<pid>.<random>.tmp`, which memory's orphan sweep knows), is fsynced, renamed over the
// old name (atomic on POSIX), and the folder is fsynced so the rename survives a power cut. A
// failed write leaves the old file and removes its temp file.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const fd = openSync(tmp, "wx", mode);
    try {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      for (let off = 0; off < bytes.byteLength; ) off += writeSync(fd, bytes, off, bytes.byteLength - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // not a file we can remove (a folder in the way): the original error says more
    }
    throw err;
  }
  syncDir(dir);
}

/** Makes a rename in `dir` durable; a folder that cannot be fsynced (some file systems) is no error. */
export function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // not supported for folders here
  } finally {
    closeSync(fd);
  }
}
