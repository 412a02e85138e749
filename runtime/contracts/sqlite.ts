// How every part opens a SQLite file it shares with other processes (state.db, the memory
// index): WAL, a busy timeout, and a retry of the switch to WAL, which SQLite answers with
// SQLITE_BUSY at once (its busy handler does not cover that lock) when another process is
// opening or switching the same file at that moment.
import { Database } from "bun:sqlite";

export function openSharedDb(path: string, opts: { busyTimeoutMs?: number; strict?: boolean } = {}): Database {
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
