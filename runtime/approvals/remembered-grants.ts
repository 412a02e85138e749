// "Always" answers (DESIGN §8): remembered per user, tool and what was approved. Two kinds of
// question are remembered, each in a namespace of its own so that no answer to one can ever be
// read as an answer to the other: a tool call's confirmation (`confirm:` + the canonical JSON of
// its parameters, RFC 8785, so key order does not matter but any other difference asks again)
// and a permission prompt raised inside the tool (`permission:` + canonical `{kind, value}`).
// `session` scope lasts for one conversation.
import type { Database } from "bun:sqlite";
import { canonicalJson } from "../audit/index.ts";
import type { Clock } from "../sessions/state-db.ts";

export type RememberScope = "session" | "always";

/** What a remembered answer approved: a tool call with these parameters, or one permission. */
export type GrantKey =
  | { kind: "confirm"; params: unknown }
  | { kind: "permission"; permission: { kind: string; value?: string } };

export interface RememberedGrant {
  user: string;
  tool: string;
  kind: GrantKey["kind"];
  /** Canonical JSON of the parameters (confirm) or of `{kind, value}` (permission). */
  pattern: string;
  scope: RememberScope;
  session: string;
}

const KINDS = ["confirm", "permission"] as const;

/** The stored pattern: the key's namespace, then canonical JSON. Throws on anything else. */
export function grantPattern(key: GrantKey): string {
  if (key?.kind === "confirm") return `confirm:${canonicalJson(key.params ?? null)}`;
  if (key?.kind === "permission" && typeof key.permission?.kind === "string") {
    const { kind, value } = key.permission;
    return `permission:${canonicalJson(value === undefined ? { kind } : { kind, value })}`;
  }
  throw new TypeError("remembered grant: unknown kind of answer");
}

export class RememberedGrants {
  readonly #db: Database;
  readonly #now: Clock;

  constructor(db: Database, now: Clock) {
    this.#db = db;
    this.#now = now;
    db.run(`CREATE TABLE IF NOT EXISTS approval_memory (user TEXT NOT NULL, tool TEXT NOT NULL, pattern TEXT NOT NULL,
      scope TEXT NOT NULL, session TEXT NOT NULL, created INTEGER NOT NULL, PRIMARY KEY (user, tool, pattern, scope, session))`);
    migrateUnprefixed(db);
  }

  add(user: string, tool: string, key: GrantKey, scope: RememberScope, session: string): void {
    this.#db.query("INSERT OR IGNORE INTO approval_memory (user, tool, pattern, scope, session, created) VALUES (?, ?, ?, ?, ?, ?)")
      .run(user, tool, grantPattern(key), scope, scope === "always" ? "" : session, this.#now());
  }

  /** Fails closed: a key that cannot be written as a pattern was never remembered. `within`
   *  bounds what counts: `session` — only grants kept for this session (a grant kept for good
   *  under an earlier, wider policy no longer holds), `always` — those and grants kept for good. */
  has(user: string, tool: string, key: GrantKey, session: string, within: RememberScope): boolean {
    let pattern: string;
    try {
      pattern = grantPattern(key);
    } catch {
      return false;
    }
    const row = this.#db.query<{ n: number }, [string, string, string, string]>(
      `SELECT COUNT(*) AS n FROM approval_memory WHERE user = ? AND tool = ? AND pattern = ? AND
        ${within === "always" ? "(scope = 'always' OR (scope = 'session' AND session = ?))" : "scope = 'session' AND session = ?"}`,
    ).get(user, tool, pattern, session);
    return (row?.n ?? 0) > 0;
  }

  list(user?: string): RememberedGrant[] {
    const all = this.#db.query<{ user: string; tool: string; pattern: string; scope: RememberScope; session: string }, []>(
      "SELECT user, tool, pattern, scope, session FROM approval_memory ORDER BY created").all();
    const out: RememberedGrant[] = [];
    for (const g of all) {
      if (user !== undefined && g.user !== user) continue;
      const colon = g.pattern.indexOf(":");
      const kind = KINDS.find((k) => k === g.pattern.slice(0, colon));
      if (kind) out.push({ ...g, kind, pattern: g.pattern.slice(colon + 1) });
    }
    return out;
  }
}

/**
 * Rows written before the namespaces (bare canonical JSON, which never starts with a letter
 * followed by ":") shared one key space: a permission prompt stored `{"permission":{…}}`, which a
 * confirmation of a call with exactly those parameters also stored. Such a row cannot be told
 * apart, so it is forgotten (asked again once); every other old row can only be a confirmation
 * and keeps its meaning under `confirm:`. Runs once per database: afterwards no row is bare.
 */
function migrateUnprefixed(db: Database): void {
  const old = db.query<{ rowid: number; pattern: string }, []>(
    "SELECT rowid, pattern FROM approval_memory WHERE pattern NOT GLOB 'confirm:*' AND pattern NOT GLOB 'permission:*'").all();
  if (old.length === 0) return;
  const keep = db.query("INSERT OR IGNORE INTO approval_memory (user, tool, pattern, scope, session, created) SELECT user, tool, ?, scope, session, created FROM approval_memory WHERE rowid = ?");
  const drop = db.query("DELETE FROM approval_memory WHERE rowid = ?");
  db.transaction(() => {
    for (const { rowid, pattern } of old) {
      if (!ambiguous(pattern)) keep.run(`confirm:${pattern}`, rowid);
      drop.run(rowid);
    }
  })();
}

/** An old pattern a permission prompt could have written: an object whose only member is `permission`. */
function ambiguous(pattern: string): boolean {
  try {
    const v: unknown = JSON.parse(pattern);
    return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "permission" in v;
  } catch {
    return true; // unreadable: forgotten rather than guessed at
  }
}
