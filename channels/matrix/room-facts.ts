// What the inbound rules need to know about rooms and the bot's own messages: joined member
// counts and names (from /joined_members, cached until a membership changes), which events the
// bot sent, and which of those carried buttons. Bot events are remembered in memory (bounded)
// and, for replies to older ones, looked up on the server. Any room member picks the ids a
// reply points at, so what we learn about them is bounded too, and ids no server would issue
// are not looked up.
import type { MatrixClient } from "matrix-js-sdk";

const MAX_REMEMBERED = 2000;
/** The spec caps event ids at 255 bytes; v3+ rooms use `$` + 43 characters. */
const MAX_EVENT_ID = 255;

export class RoomFacts {
  readonly #client: MatrixClient;
  readonly #members = new Map<string, Map<string, string | undefined>>();
  /** Bot event id → its buttons (empty array when none). Map order gives eviction order. */
  readonly #botEvents = new Map<string, { id: string; label: string }[]>();
  /** Event ids looked up and found not to be the bot's. Set order gives eviction order. */
  readonly #notBot = new Set<string>();

  constructor(client: MatrixClient) {
    this.#client = client;
  }

  async members(roomId: string): Promise<Map<string, string | undefined>> {
    let m = this.#members.get(roomId);
    if (!m) {
      const res = await this.#client.getJoinedRoomMembers(roomId);
      m = new Map(Object.entries(res.joined).map(([u, v]) => [u, v.display_name ?? undefined]));
      this.#members.set(roomId, m);
    }
    return m;
  }

  membershipChanged(roomId: string): void {
    this.#members.delete(roomId);
  }

  rememberBotEvent(eventId: string, buttons: { id: string; label: string }[] = []): void {
    this.#botEvents.set(eventId, buttons);
    if (this.#botEvents.size > MAX_REMEMBERED) this.#botEvents.delete(this.#botEvents.keys().next().value as string);
  }

  #rememberNotBot(eventId: string): void {
    this.#notBot.add(eventId);
    if (this.#notBot.size > MAX_REMEMBERED) this.#notBot.delete(this.#notBot.values().next().value as string);
  }

  isBotEvent(eventId: string): boolean {
    return this.#botEvents.has(eventId);
  }

  buttonsOf(eventId: string): { id: string; label: string }[] | undefined {
    const b = this.#botEvents.get(eventId);
    return b?.length ? b : undefined;
  }

  /** Before parsing a reply: learns whether an event unknown to memory was the bot's. */
  async learnSender(roomId: string, eventId: string, botUserId: string): Promise<void> {
    if (this.#botEvents.has(eventId) || this.#notBot.has(eventId)) return;
    // Not an id the bot's homeserver gave out: not the bot's, and not worth a request.
    if (!eventId.startsWith("$") || eventId.length > MAX_EVENT_ID) return;
    try {
      const ev = await this.#client.fetchRoomEvent(roomId, eventId);
      if (ev.sender === botUserId) this.rememberBotEvent(eventId);
      else this.#rememberNotBot(eventId);
    } catch {
      this.#rememberNotBot(eventId);
    }
  }
}
