// What survives a restart: the newest envelope handled (by the Signal server's receive time,
// which is monotonic for our account's queue, unlike the sender's clock), the ids handled at
// that instant or shortly before, and the daemon's last SSE event id. signal-cli replays its
// kept events after it restarts; with this, a replayed envelope is dropped instead of answered
// twice. Written atomically (temp + fsync + rename); `v` versions the format.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../runtime/contracts/write-atomic.ts";

const RECENT = 256;
/**
 * Envelopes up to this much older than the newest handled still pass when their id is new:
 * without a server receive time we only have senders' clocks, which disagree a little.
 */
const TOLERANCE_MS = 120_000;

export interface Cursor {
  v: 1;
  /** Server receive time (ms) of the newest envelope handled. */
  high: number;
  /** Ids (`<source>:<timestamp>`) of the last RECENT envelopes handled. */
  recent: string[];
  lastEventId?: string;
}

export class CursorState {
  readonly #file: string;
  #cur: Cursor = { v: 1, high: 0, recent: [] };
  #recent = new Set<string>();

  constructor(stateDir: string, log: (message: string) => void) {
    this.#file = join(stateDir, "signal-cursor.json");
    try {
      const raw = JSON.parse(readFileSync(this.#file, "utf8")) as Partial<Cursor>;
      if (raw.v !== 1 || typeof raw.high !== "number" || !Array.isArray(raw.recent)) throw new Error("unknown format");
      this.#cur = { v: 1, high: raw.high, recent: raw.recent.filter((r): r is string => typeof r === "string").slice(-RECENT) };
      if (typeof raw.lastEventId === "string") this.#cur.lastEventId = raw.lastEventId;
      this.#recent = new Set(this.#cur.recent);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") log(`ignoring unreadable ${this.#file}: ${(err as Error).message}`);
    }
  }

  get lastEventId(): string | undefined { return this.#cur.lastEventId; }

  /** True when this envelope was handled before, or is clearly older than the newest handled. */
  seen(id: string, serverTs: number): boolean {
    return this.#recent.has(id) || serverTs < this.#cur.high - TOLERANCE_MS;
  }

  /** Records a handled envelope (and the SSE id it came with) and persists at once. */
  mark(id: string, serverTs: number, eventId?: string): void {
    this.#cur.high = Math.max(this.#cur.high, serverTs);
    this.#recent.add(id);
    this.#cur.recent.push(id);
    if (this.#cur.recent.length > RECENT) this.#recent.delete(this.#cur.recent.shift() as string);
    if (eventId !== undefined) this.#cur.lastEventId = eventId;
    this.#save();
  }

  /** An event we skipped still moves the SSE position, so a reconnect does not replay it. */
  markEvent(eventId: string | undefined): void {
    if (eventId === undefined || eventId === this.#cur.lastEventId) return;
    this.#cur.lastEventId = eventId;
    this.#save();
  }

  #save(): void {
    writeFileAtomic(this.#file, JSON.stringify(this.#cur));
  }
}
