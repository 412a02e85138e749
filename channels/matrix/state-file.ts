// The channel's small persisted state (sync token, filter id, device id), written atomically:
// temp file + fsync + rename, so a crash leaves either the old or the new file, never half.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../runtime/contracts/write-atomic.ts";

export interface MatrixState {
  v: 1;
  /** Which account the token belongs to; a different user_id or homeserver starts afresh. */
  account?: string;
  next_batch?: string;
  filter_id?: string;
  device_id?: string;
}

const FILE = "matrix-state.json";

export function readState(dir: string, account: string): MatrixState {
  try {
    const s = JSON.parse(readFileSync(join(dir, FILE), "utf8")) as MatrixState;
    if (s.v !== 1 || s.account !== account) return { v: 1, account };
    return s;
  } catch {
    return { v: 1, account };
  }
}

export function writeState(dir: string, state: MatrixState): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(join(dir, FILE), JSON.stringify(state));
}
