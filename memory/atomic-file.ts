// Writes that a crash cannot half-do: the new content goes to a temp file in the same directory,
// is fsynced, then renamed over the old name (atomic on POSIX), and the directory is fsynced so
// the rename itself survives a power cut. Updates are read-modify-write under the file's lock.
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic as writeAtomic } from "../runtime/contracts/write-atomic.ts";
import { pidAlive, withFileLock } from "./file-lock.ts";

const TMP = /^\.(.+)\.(\d+)\.[a-z0-9]+\.tmp$/;

/** The shared atomic write (contracts/write-atomic.ts), into a folder made on the way (0700). */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeAtomic(path, text);
}

/**
 * Appends to an existing file in one write(2) on an O_APPEND descriptor, then fsyncs; the text
 * is `make(tail)`, where `tail` is the file's last two bytes (so the caller can keep its
 * separators). For a file that only grows (a session transcript), where rewriting the whole
 * file for each addition cost its size every time. A crash can leave at most the end of this
 * one addition cut short. Returns the file's new size, or null (nothing written) when the file
 * does not exist. Call under the file's lock.
 */
export function appendToFile(path: string, make: (tail: string) => string): number | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_APPEND);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(2, size));
    if (tail.length > 0) readSync(fd, tail, 0, tail.length, size - tail.length);
    const bytes = Buffer.from(make(tail.toString("latin1")), "utf8");
    const written = writeSync(fd, bytes);
    if (written !== bytes.length) throw new Error(`short write to ${path} (${written} of ${bytes.length} bytes)`);
    fsyncSync(fd);
    return size + written;
  } finally {
    closeSync(fd);
  }
}

/** The last `bytes` bytes of a file from the first line start in them (the whole file when it
 *  is smaller), and whether that is the whole file; null when it does not exist. */
export function readTail(path: string, bytes: number): { text: string; whole: boolean } | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    for (let off = 0; off < buf.length; ) {
      const n = readSync(fd, buf, off, buf.length - off, start + off);
      if (n === 0) break;
      off += n;
    }
    if (start === 0) return { text: buf.toString("utf8"), whole: true };
    const nl = buf.indexOf(0x0a);
    return { text: nl === -1 ? "" : buf.toString("utf8", nl + 1), whole: false };
  } finally {
    closeSync(fd);
  }
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
