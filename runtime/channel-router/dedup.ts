// De-duplication of redelivered platform messages, per (channel, message id). A bounded LRU
// answers the common case in memory; the recent ids are also kept in state.db so a restart
// (when a platform redelivers what it had not seen acknowledged) does not answer twice.
import type { Database } from "bun:sqlite";
import { openStateDb } from "../sessions/index.ts";

const KEEP_MS = 7 * 24 * 60 * 60 * 1000;

export class Dedup {
  readonly #db: Database | null;
  readonly #lru = new Map<string, true>();
  readonly #max: number;
  #inserts = 0;

  /** `stateDb` undefined keeps ids in memory only (unit tests). */
  constructor(stateDb?: string, opts: { max?: number } = {}) {
    this.#max = opts.max ?? 5000;
    this.#db = stateDb ? openStateDb(stateDb) : null;
    this.#db?.run("CREATE TABLE IF NOT EXISTS channel_seen (channel TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (channel, id))");
  }

  /** True when (channel, id) was seen before; records it otherwise. */
  seen(channel: string, id: string): boolean {
    const key = `${channel}\u0000${id}`;
    if (this.#lru.has(key)) {
      this.#lru.delete(key); // refresh its place
      this.#lru.set(key, true);
      return true;
    }
    this.#remember(key);
    if (!this.#db) return false;
    const now = Date.now();
    const changes = this.#db.query("INSERT OR IGNORE INTO channel_seen (channel, id, at) VALUES (?, ?, ?)").run(channel, id, now).changes;
    if (++this.#inserts % 500 === 0) this.#db.query("DELETE FROM channel_seen WHERE at < ?").run(now - KEEP_MS);
    return changes === 0;
  }

  #remember(key: string): void {
    this.#lru.set(key, true);
    if (this.#lru.size > this.#max) this.#lru.delete(this.#lru.keys().next().value as string);
  }

  get size(): number {
    return this.#lru.size;
  }

  close(): void {
    this.#db?.close();
  }
}
