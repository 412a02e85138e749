// Pairing (DESIGN §8): an unknown direct-message sender gets a code and reaches no model or tool
// until the owner approves that code for that channel. Approval admits the *sender*, takes effect
// at once (every check reads state.db), and is never turned into replaying the held message.
import type { Database } from "bun:sqlite";
import { fail } from "../contracts/errors.ts";
import { PAIRING_CODE, PAIRING_TTL_MS, randomCode } from "./pairing-code.ts";
import type { Clock } from "./state-db.ts";

export type DmPolicy = "pairing" | "allowlist" | "open";

export interface PairingEntry {
  channel: string;
  userId: string;
  code: string;
  createdAt: string;
  expiresAt: string;
  state: "pending" | "approved";
}

interface Row { channel: string; user_id: string; code: string; created: number; expires: number; state: string }

export class PairingTable {
  readonly #db: Database;
  readonly #now: Clock;

  constructor(db: Database, now: Clock) {
    this.#db = db;
    this.#now = now;
    db.run(`CREATE TABLE IF NOT EXISTS pairing (
      channel TEXT NOT NULL, user_id TEXT NOT NULL, code TEXT NOT NULL, created INTEGER NOT NULL,
      expires INTEGER NOT NULL, state TEXT NOT NULL, PRIMARY KEY (channel, user_id))`);
  }

  /** The sender's live code, or a new one; asking again within the hour gives the same code. */
  request(channel: string, userId: string): { code: string; expiresAt: string } {
    const now = this.#now();
    const row = this.#row(channel, userId);
    if (row && row.state === "pending" && row.expires > now) return { code: row.code, expiresAt: iso(row.expires) };
    if (row?.state === "approved") fail("invalid_input", `${channel}:${userId} is already admitted`);
    const code = randomCode();
    const expires = now + PAIRING_TTL_MS;
    this.#db.query("INSERT OR REPLACE INTO pairing (channel, user_id, code, created, expires, state) VALUES (?, ?, ?, ?, ?, 'pending')")
      .run(channel, userId, code, now, expires);
    return { code, expiresAt: iso(expires) };
  }

  approve(channel: string, code: string): { userId: string } {
    const c = code.trim().toUpperCase();
    if (!PAIRING_CODE.test(c)) fail("invalid_input", `pairing code '${code.slice(0, 20)}' is not 8 letters and digits`, "copy the code the sender received, e.g. 7KQ2M9XA");
    const row = this.#db.query<Row, [string, string]>("SELECT * FROM pairing WHERE channel = ? AND code = ? AND state = 'pending'").get(channel, c);
    if (!row) fail("not_found", `no pending pairing code ${c} on ${channel}`, "run 'moltbot pairing list' to see pending codes");
    if (row.expires <= this.#now()) fail("not_found", `pairing code ${c} on ${channel} has expired`, "codes are valid for 1 hour; ask the sender to write again for a new one");
    this.#db.query("UPDATE pairing SET state = 'approved' WHERE channel = ? AND user_id = ?").run(channel, row.user_id);
    return { userId: row.user_id };
  }

  isApproved(channel: string, userId: string): boolean {
    return this.#row(channel, userId)?.state === "approved";
  }

  /** Live pending codes and admitted senders; expired codes are left out. */
  list(): PairingEntry[] {
    const now = this.#now();
    return this.#db.query<Row, []>("SELECT * FROM pairing ORDER BY channel, created").all()
      .filter((r) => r.state === "approved" || r.expires > now)
      .map((r) => ({ channel: r.channel, userId: r.user_id, code: r.code, createdAt: iso(r.created), expiresAt: iso(r.expires), state: r.state as PairingEntry["state"] }));
  }

  #row(channel: string, userId: string): Row | null {
    return this.#db.query<Row, [string, string]>("SELECT * FROM pairing WHERE channel = ? AND user_id = ?").get(channel, userId);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
