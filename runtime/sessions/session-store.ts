// Who is who and which conversation a message belongs to (DESIGN §8, §12), kept in state.db.
// A direct message belongs to one session per *person*: identities linked across channels
// resolve to one canonical user, so they continue one conversation with one memory. A group
// chat is one session per chat.
import type { Database } from "bun:sqlite";
import { fail } from "../contracts/errors.ts";
import { type DmPolicy, type PairingEntry, PairingTable } from "./pairing-store.ts";
import { sessionId } from "./session-id.ts";
import { type Clock, openStateDb, systemClock } from "./state-db.ts";

export interface SessionKey {
  channel: string;
  chatId: string;
  /** The channel identity, `<channel>:<platform id>`, e.g. `telegram:123`. */
  user: string;
  isGroup: boolean;
}

export interface AdmissionConfig {
  dm: DmPolicy;
  allow: string[];
}

const IDENTITY = /^[a-z0-9_-]+:.+$/;

/**
 * The channels whose people can be linked, with the user id each one puts after `<channel>:`
 * (the channel plugins' `userId`; webchat's is the gateway client's name). A link naming any
 * other channel, or an id of the wrong shape, would be stored and never match a message.
 * Keep in step with config.yaml's `channels:` (a test compares them).
 */
export const IDENTITY_FORMATS: Readonly<Record<string, { id: RegExp; expected: string }>> = {
  telegram: { id: /^[1-9]\d{0,19}$/, expected: "a numeric user id, e.g. telegram:123456789" },
  matrix: { id: /^@[^:\s]+:\S+$/, expected: "a Matrix id @user:server, e.g. matrix:@me:example.org" },
  signal: { id: /^(\+[1-9]\d{1,14}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, expected: "a phone number in +E.164 form or an account uuid, e.g. signal:+15550001111" },
  whatsapp: { id: /^\d{5,20}$/, expected: "the phone number in digits, without '+', e.g. whatsapp:15550001111" },
  webchat: { id: /^[A-Za-z0-9_.-]{1,64}$/, expected: "the --name given to 'moltbot chat' (letters, digits, '_', '.', '-')" },
};

const EXAMPLE = "e.g. moltbot identity link telegram:123 matrix:@me:example.org";

/** What is wrong with `id` as a linkable identity (read after the id itself), or null. */
export function identityProblem(id: string): { problem: string; hint: string } | null {
  if (!IDENTITY.test(id)) return { problem: "is not <channel>:<user id>", hint: EXAMPLE };
  const colon = id.indexOf(":");
  const channel = id.slice(0, colon);
  const format = IDENTITY_FORMATS[channel];
  const known = Object.keys(IDENTITY_FORMATS);
  if (!format) {
    const near = known.find((k) => editDistance(k, channel.slice(0, 40)) <= 2);
    return { problem: `names an unknown channel '${channel.slice(0, 40)}'${near ? ` — did you mean ${near}?` : ""}`, hint: `known channels: ${known.join(", ")}` };
  }
  if (!format.id.test(id.slice(colon + 1))) return { problem: `is not a ${channel} identity: expected ${format.expected}`, hint: EXAMPLE };
  return null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

export class SessionStore {
  readonly #db: Database;
  readonly #now: Clock;
  readonly #pairing: PairingTable;

  constructor(stateDb: string, opts: { now?: Clock } = {}) {
    this.#db = openStateDb(stateDb);
    this.#now = opts.now ?? systemClock;
    this.#db.run(`CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, kind TEXT NOT NULL, channel TEXT NOT NULL,
      chat TEXT NOT NULL, user TEXT NOT NULL, created INTEGER NOT NULL, last_active INTEGER NOT NULL)`);
    this.#db.run("CREATE TABLE IF NOT EXISTS identity_links (user TEXT PRIMARY KEY, canonical TEXT NOT NULL, linked INTEGER NOT NULL)");
    this.#db.run("CREATE TABLE IF NOT EXISTS session_context (session TEXT PRIMARY KEY, summarised_until TEXT NOT NULL)");
    this.#pairing = new PairingTable(this.#db, this.#now);
  }

  /** The person behind a channel identity, after links (the identity itself when unlinked). */
  canonicalUser(channelUser: string): string {
    return this.#db.query<{ canonical: string }, [string]>("SELECT canonical FROM identity_links WHERE user = ?").get(channelUser)?.canonical ?? channelUser;
  }

  /**
   * Makes `b` (and everyone already linked to it) the same person as `a`. `a`'s canonical
   * identity stays canonical, so a's conversation is the one that continues.
   */
  link(a: string, b: string): { canonical: string } {
    for (const [name, id] of [["first", a], ["second", b]] as const) {
      const bad = identityProblem(id);
      if (bad) fail("invalid_input", `identity link: the ${name} identity '${id.slice(0, 80)}' ${bad.problem}`, bad.hint);
    }
    if (a === b) fail("invalid_input", "identity link: the two identities are the same");
    const ra = this.canonicalUser(a);
    const rb = this.canonicalUser(b);
    if (ra === rb) return { canonical: ra };
    const now = this.#now();
    this.#db.transaction(() => {
      this.#db.query("UPDATE identity_links SET canonical = ? WHERE canonical = ?").run(ra, rb);
      this.#db.query("INSERT OR REPLACE INTO identity_links (user, canonical, linked) VALUES (?, ?, ?)").run(rb, ra, now);
      if (b !== rb) this.#db.query("INSERT OR REPLACE INTO identity_links (user, canonical, linked) VALUES (?, ?, ?)").run(b, ra, now);
    }).immediate();
    return { canonical: ra };
  }

  links(): { user: string; canonical: string }[] {
    return this.#db.query<{ user: string; canonical: string }, []>("SELECT user, canonical FROM identity_links ORDER BY canonical, user").all();
  }

  /** The session a message belongs to; recorded (created or touched) in `sessions`. */
  sessionFor(key: SessionKey): string {
    const canonical = this.canonicalUser(key.user);
    const kind = key.isGroup ? "grp" : "dm";
    const id = key.isGroup ? sessionId("grp", `${key.channel}:${key.chatId}`) : sessionId("dm", canonical);
    const now = this.#now();
    this.#db.query(`INSERT INTO sessions (id, kind, channel, chat, user, created, last_active) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET last_active = excluded.last_active`).run(id, kind, key.channel, key.chatId, key.isGroup ? "" : canonical, now, now);
    return id;
  }

  /** Time (`at`) of the newest transcript entry already summarised into memory when trimmed. */
  summarisedUntil(session: string): string | null {
    return this.#db.query<{ t: string }, [string]>("SELECT summarised_until AS t FROM session_context WHERE session = ?").get(session)?.t ?? null;
  }

  markSummarised(session: string, at: string): void {
    this.#db.query("INSERT OR REPLACE INTO session_context (session, summarised_until) VALUES (?, ?)").run(session, at);
  }

  pairingRequest(channel: string, userId: string): { code: string; expiresAt: string } {
    return this.#pairing.request(channel, userId);
  }

  approvePairing(channel: string, code: string): { userId: string } {
    return this.#pairing.approve(channel, code);
  }

  listPairing(): PairingEntry[] {
    return this.#pairing.list();
  }

  /** Whether a sender may reach the model at all. `allow` holds platform ids, as in config.yaml. */
  isAdmitted(channel: string, userId: string, cfg: AdmissionConfig): boolean {
    if (cfg.dm === "open") return true;
    if (cfg.allow.includes(userId)) return true;
    if (cfg.dm === "allowlist") return false;
    return this.#pairing.isApproved(channel, userId);
  }

  close(): void {
    this.#db.close();
  }
}
