// How every part opens a SQLite file it shares with other processes (state.db, the memory
// index): WAL, a busy timeout, and a retry of the switch to WAL, which SQLite answers with
// SQLITE_BUSY at once (its busy handler does not cover that lock) when another process is
// opening or switching the same file at that moment.
import { Database } from "bun:sqlite";
import { closeSync, constants, fchmodSync, openSync } from "node:fs";

export function openSharedDb(path: string, opts: { busyTimeoutMs?: number; strict?: boolean } = {}): Database {
  createPrivate(path);
  const db = new Database(path, { create: true, ...(opts.strict ? { strict: true } : {}) });
  const timeout = opts.busyTimeoutMs ?? 5000;
  db.run(`PRAGMA busy_timeout = ${timeout}`);
  const until = Date.now() + timeout;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      db.run("PRAGMA journal_mode = WAL");
      return db;
    } catch (err) {
      if ((err as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > until) {
        db.close();
        throw err;
      }
      Bun.sleepSync(wait);
    }
  }
}

/**
 * These files hold private data (DESIGN §12: 0600). SQLite creates a new database with the
 * umask's mode (often 0644) and gives its -wal and -shm files the database's mode, so the
 * database is created here first, 0600 whatever the umask. A file that exists is left as it is.
 */
function createPrivate(path: string): void {
  if (path === "" || path === ":memory:" || path.startsWith("file:")) return;
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch {
    return; // exists (or cannot be created: SQLite's open reports that)
  }
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}
