// Opens <home>/state.db (bun:sqlite) the way every part of the runtime shares it: WAL so the
// gateway, `moltbot chat` and CLI commands can read while one writes, a busy timeout instead of
// "database is locked" errors, and mode 0600 on a file we create (DESIGN §12).
import { Database } from "bun:sqlite";
import { chmodSync, existsSync } from "node:fs";
import { openSharedDb } from "../contracts/sqlite.ts";

const BUSY_TIMEOUT_MS = 30_000;

export function openStateDb(path: string): Database {
  const existed = existsSync(path);
  const db = openSharedDb(path, { busyTimeoutMs: BUSY_TIMEOUT_MS });
  if (!existed) chmodSync(path, 0o600);
  db.run("PRAGMA synchronous = NORMAL");
  return db;
}

/** Milliseconds since the epoch; injectable so tests can move time without sleeping. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
