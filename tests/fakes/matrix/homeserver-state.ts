// The fake homeserver's memory: rooms, one global event stream (the position is the sync
// token), users, media, and a way to wake long-polling /sync requests when something happens.

export interface FakeEvent {
  event_id: string;
  room_id: string;
  type: string;
  sender: string;
  content: Record<string, unknown>;
  origin_server_ts: number;
  state_key?: string;
  unsigned?: Record<string, unknown>;
  /** Stream position; not on the wire. */
  pos: number;
}

export interface FakeRoom {
  id: string;
  /** userId → membership ("join" | "invite" | "leave"). */
  members: Map<string, string>;
  displayNames: Map<string, string>;
  encrypted: boolean;
}

export class HomeserverState {
  readonly rooms = new Map<string, FakeRoom>();
  readonly events: FakeEvent[] = [];
  readonly media = new Map<string, { type: string; data: Uint8Array }>();
  /** Raw events pushed instead of real ones, by position (malformed payload tests). */
  readonly raw = new Map<number, Record<string, unknown>>();
  #pos = 0;
  #seq = 0;
  #waiters: (() => void)[] = [];

  get pos(): number {
    return this.#pos;
  }

  room(id: string): FakeRoom {
    let r = this.rooms.get(id);
    if (!r) {
      r = { id, members: new Map(), displayNames: new Map(), encrypted: false };
      this.rooms.set(id, r);
    }
    return r;
  }

  push(roomId: string, type: string, sender: string, content: Record<string, unknown>, extra: Partial<FakeEvent> = {}): FakeEvent {
    const ev: FakeEvent = {
      event_id: `$ev${++this.#seq}:fake.local`,
      room_id: roomId,
      type,
      sender,
      content,
      origin_server_ts: Date.now(),
      ...extra,
      pos: ++this.#pos,
    };
    this.events.push(ev);
    if (type === "m.room.member" && ev.state_key !== undefined) {
      const r = this.room(roomId);
      r.members.set(ev.state_key, String(content.membership));
      if (typeof content.displayname === "string") r.displayNames.set(ev.state_key, content.displayname);
    }
    if (type === "m.room.encryption") this.room(roomId).encrypted = true;
    this.wake();
    return ev;
  }

  /** Adds a syntactically broken event to a room's timeline. */
  pushRaw(roomId: string, raw: Record<string, unknown>): void {
    const pos = ++this.#pos;
    this.raw.set(pos, raw);
    this.events.push({ event_id: "", room_id: roomId, type: "", sender: "", content: {}, origin_server_ts: 0, pos });
    this.wake();
  }

  joined(roomId: string): string[] {
    return [...(this.rooms.get(roomId)?.members ?? new Map<string, string>()).entries()].filter(([, m]) => m === "join").map(([u]) => u);
  }

  /** Resolves when the stream moves past `since` or after `timeoutMs`. */
  waitPast(since: number, timeoutMs: number): Promise<void> {
    if (this.#pos > since || timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, timeoutMs);
      const waiter = () => {
        clearTimeout(t);
        resolve();
      };
      function done() {
        resolve();
      }
      this.#waiters.push(waiter);
    });
  }

  wake(): void {
    const ws = this.#waiters;
    this.#waiters = [];
    for (const w of ws) w();
  }
}
