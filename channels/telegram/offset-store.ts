// The last update_id handed to the router, persisted so a restart asks Telegram for the next
// one: no replay of what was handled, no loss of what arrived while down. Written atomically
// (temp file + fsync + rename), so a crash leaves the old or the new file, never half of one.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../runtime/contracts/write-atomic.ts";

export interface TelegramState {
  v: 1;
  /** The bot the offset belongs to; another bot (a new token) starts afresh. */
  bot_id: number;
  last_update_id: number;
}

const FILE = "telegram-state.json";

export function readOffset(dir: string, botId: number): number {
  try {
    const s = JSON.parse(readFileSync(join(dir, FILE), "utf8")) as Partial<TelegramState>;
    return s.v === 1 && s.bot_id === botId && Number.isSafeInteger(s.last_update_id) ? (s.last_update_id as number) : 0;
  } catch {
    return 0;
  }
}

export function writeOffset(dir: string, botId: number, lastUpdateId: number): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(join(dir, FILE), JSON.stringify({ v: 1, bot_id: botId, last_update_id: lastUpdateId } satisfies TelegramState));
}
