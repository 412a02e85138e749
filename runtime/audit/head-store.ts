// The newest seq/hash of each log, kept in state.db beside the file so that cutting whole lines
// off the end is detectable. The same table is the cross-process lock: every append runs in a
// `BEGIN IMMEDIATE` transaction, which SQLite serialises across processes and threads alike.
import { Database } from "bun:sqlite";
import { openSharedDb } from "../contracts/sqlite.ts";

export interface AuditHead {
  seq: number;
  hash: string;
  /** File size in bytes just after this entry was written. */
  size: number;
}

// Waiting is normal under load (every append holds the lock for one write + fsync).
const BUSY_TIMEOUT_MS = 30_000;

export class HeadStore {
  readonly #db: Database;

  constructor(stateDb: string) {
    // Created 0600 (DESIGN §12) by openSharedDb; an existing file is not ours to change.
    this.#db = openSharedDb(stateDb, { busyTimeoutMs: BUSY_TIMEOUT_MS });
    // NORMAL is enough: if a crash loses the newest head commits, the lines are still in the
    // fsynced log and the next append re-adopts them (see audit-log.ts).
    this.#db.run("PRAGMA synchronous = NORMAL");
    this.#db.run(
      "CREATE TABLE IF NOT EXISTS audit_head (path TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL, size INTEGER NOT NULL)",
    );
  }

  get(path: string): AuditHead | null {
    return this.#db.query<AuditHead, [string]>("SELECT seq, hash, size FROM audit_head WHERE path = ?").get(path) ?? null;
  }

  set(path: string, head: AuditHead): void {
    this.#db
      .query("INSERT INTO audit_head (path, seq, hash, size) VALUES (?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, size = excluded.size")
      .run(path, head.seq, head.hash, head.size);
  }

  /** Runs `fn` holding the write lock; the transaction commits only if `fn` returns. */
  locked<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  close(): void {
    this.#db.close();
  }
}
