// Pending approvals and remembered grants, persisted in state.db (DESIGN §8). A row outlives the
// process so a restart can tell "expired unanswered" from "never asked"; the waiting itself is
// in memory (runtime/agent), because only the process running the turn can continue it.
import type { Database } from "bun:sqlite";
import type { ApprovalAnswer, ApprovalRequest } from "../contracts/agent.ts";
import { moltError, type MoltError } from "../contracts/errors.ts";
import { canonicalJson } from "../audit/index.ts";
import { randomCode } from "../sessions/pairing-code.ts";
import { type Clock, openStateDb, systemClock } from "../sessions/state-db.ts";
import { RememberedGrants, type GrantKey, type RememberScope } from "./remembered-grants.ts";

export type ApprovalState = "pending" | "approved" | "denied" | "expired";

export interface StoredApproval extends ApprovalRequest {
  state: ApprovalState;
  answeredBy: string | null;
}

export type NewApproval = Omit<ApprovalRequest, "id" | "expiresAt"> & { timeoutMs: number };

export interface ApprovalStoreOptions {
  now?: Clock;
  /** Who may answer anyone's approval; default: any `cli:*` user (the person at the terminal). */
  owners?: string[];
}

// No 0/o, 1/l/i: people type these ids (`/approve k7m2qx`).
const ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

interface Row { id: string; turn: string; session: string; user: string; tool: string; params: string; reason: string; permission: string | null; created: number; expires: number; state: string; answered_by: string | null }

export class ApprovalStore {
  readonly #db: Database;
  readonly #now: Clock;
  readonly #owners: string[] | null;
  readonly grants: RememberedGrants;

  constructor(stateDb: string, opts: ApprovalStoreOptions = {}) {
    this.#db = openStateDb(stateDb);
    this.#now = opts.now ?? systemClock;
    this.#owners = opts.owners ?? null;
    this.#db.run(`CREATE TABLE IF NOT EXISTS approvals (id TEXT PRIMARY KEY, turn TEXT NOT NULL, session TEXT NOT NULL,
      user TEXT NOT NULL, tool TEXT NOT NULL, params TEXT NOT NULL, reason TEXT NOT NULL, permission TEXT,
      created INTEGER NOT NULL, expires INTEGER NOT NULL, state TEXT NOT NULL, answered_by TEXT)`);
    this.grants = new RememberedGrants(this.#db, this.#now);
  }

  create(req: NewApproval): ApprovalRequest {
    const now = this.#now();
    const expires = now + req.timeoutMs;
    let id = randomCode(6, ID_ALPHABET);
    while (this.#row(id)) id = randomCode(6, ID_ALPHABET);
    this.#db.query(`INSERT INTO approvals (id, turn, session, user, tool, params, reason, permission, created, expires, state)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`).run(
      id, req.turn, req.session, req.user, req.tool, canonicalJson(req.params ?? null), req.reason,
      req.permission ? JSON.stringify(req.permission) : null, now, expires);
    const out: ApprovalRequest = { id, turn: req.turn, session: req.session, user: req.user, tool: req.tool, params: req.params, reason: req.reason, expiresAt: new Date(expires).toISOString() };
    if (req.permission) out.permission = req.permission;
    return out;
  }

  get(id: string): StoredApproval | null {
    const row = this.#row(id.trim().toLowerCase());
    return row ? fromRow(row) : null;
  }

  pending(session?: string): StoredApproval[] {
    const rows = session === undefined
      ? this.#db.query<Row, []>("SELECT * FROM approvals WHERE state = 'pending' ORDER BY created").all()
      : this.#db.query<Row, [string]>("SELECT * FROM approvals WHERE state = 'pending' AND session = ? ORDER BY created").all(session);
    return rows.map(fromRow);
  }

  isOwner(user: string): boolean {
    return this.#owners ? this.#owners.includes(user) : user.startsWith("cli:");
  }

  /**
   * Records an answer. `by` lists every name of the person answering (the channel identity and
   * its canonical user); only the requester or an owner may answer. Past its expiry an approval
   * is expired (= rejected) whatever the answer.
   */
  answer(id: string, answer: ApprovalAnswer, by: string[]): { ok: true; approval: StoredApproval } | { ok: false; error: MoltError } {
    const found = this.get(id);
    if (!found) return { ok: false, error: moltError("not_found", `no approval with id ${id.slice(0, 12)}`, "the id is shown with the approval request") };
    if (found.state !== "pending") return { ok: false, error: moltError("not_found", `approval ${found.id} was already ${found.state}`) };
    if (!by.some((u) => u === found.user || this.isOwner(u))) {
      return { ok: false, error: moltError("unauthorized", `only ${found.user} (or the owner) may answer approval ${found.id}`) };
    }
    if (Date.parse(found.expiresAt) <= this.#now()) {
      this.expire(found.id);
      return { ok: false, error: moltError("not_found", `approval ${found.id} has expired and counts as rejected`) };
    }
    const state: ApprovalState = answer === "deny" ? "denied" : "approved";
    const changed = this.#db.query("UPDATE approvals SET state = ?, answered_by = ? WHERE id = ? AND state = 'pending'").run(state, by[0] ?? null, found.id).changes;
    if (changed !== 1) return { ok: false, error: moltError("not_found", `approval ${found.id} was answered meanwhile`) };
    return { ok: true, approval: { ...found, state, answeredBy: by[0] ?? null } };
  }

  /** Marks a still-pending approval expired; true if this call did it. */
  expire(id: string): boolean {
    return this.#db.query("UPDATE approvals SET state = 'expired' WHERE id = ? AND state = 'pending'").run(id).changes === 1;
  }

  /** Approvals left pending by a process that stopped: nobody can continue their turns. */
  expireOrphans(turnsAlive: (turn: string) => boolean): number {
    let n = 0;
    for (const a of this.pending()) if (!turnsAlive(a.turn) && this.expire(a.id)) n++;
    return n;
  }

  /** Remembers a "yes" to a confirmation (`{ kind: "confirm", params }`) or to a permission
   *  prompt (`{ kind: "permission", permission }`); neither ever answers the other. */
  remember(user: string, tool: string, key: GrantKey, scope: RememberScope, session: string): void {
    this.grants.add(user, tool, key, scope, session);
  }

  /** `within` is the policy's `confirmation.remember`: `session` reads only answers kept for
   *  this session, `always` also those kept for good. */
  isRemembered(user: string, tool: string, key: GrantKey, session: string, within: RememberScope): boolean {
    return this.grants.has(user, tool, key, session, within);
  }

  close(): void {
    this.#db.close();
  }

  #row(id: string): Row | null {
    return this.#db.query<Row, [string]>("SELECT * FROM approvals WHERE id = ?").get(id);
  }
}

function fromRow(r: Row): StoredApproval {
  const out: StoredApproval = {
    id: r.id, turn: r.turn, session: r.session, user: r.user, tool: r.tool, params: JSON.parse(r.params), reason: r.reason,
    expiresAt: new Date(r.expires).toISOString(), state: r.state as ApprovalState, answeredBy: r.answered_by,
  };
  if (r.permission) out.permission = JSON.parse(r.permission);
  return out;
}
