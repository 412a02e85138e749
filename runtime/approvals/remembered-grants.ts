// "Always" answers (DESIGN §8): remembered per user, tool and argument pattern. The pattern is the
// canonical JSON of the parameters (RFC 8785), so key order does not matter but any other
// difference in the arguments asks again. `session` scope lasts for one conversation.
import type { Database } from "bun:sqlite";
import { canonicalJson } from "../audit/index.ts";
import type { Clock } from "../sessions/state-db.ts";

export type RememberScope = "session" | "always";

export class RememberedGrants {
  readonly #db: Database;
  readonly #now: Clock;

  constructor(db: Database, now: Clock) {
    this.#db = db;
    this.#now = now;
    db.run(`CREATE TABLE IF NOT EXISTS approval_memory (user TEXT NOT NULL, tool TEXT NOT NULL, pattern TEXT NOT NULL,
      scope TEXT NOT NULL, session TEXT NOT NULL, created INTEGER NOT NULL, PRIMARY KEY (user, tool, pattern, scope, session))`);
  }

  add(user: string, tool: string, params: unknown, scope: RememberScope, session: string): void {
    this.#db.query("INSERT OR IGNORE INTO approval_memory (user, tool, pattern, scope, session, created) VALUES (?, ?, ?, ?, ?, ?)")
      .run(user, tool, canonicalJson(params ?? null), scope, scope === "always" ? "" : session, this.#now());
  }

  has(user: string, tool: string, params: unknown, session: string): boolean {
    const row = this.#db.query<{ n: number }, [string, string, string, string]>(
      "SELECT COUNT(*) AS n FROM approval_memory WHERE user = ? AND tool = ? AND pattern = ? AND (scope = 'always' OR session = ?)",
    ).get(user, tool, canonicalJson(params ?? null), session);
    return (row?.n ?? 0) > 0;
  }

  list(user?: string): { user: string; tool: string; pattern: string; scope: RememberScope; session: string }[] {
    const all = this.#db.query<{ user: string; tool: string; pattern: string; scope: RememberScope; session: string }, []>(
      "SELECT user, tool, pattern, scope, session FROM approval_memory ORDER BY created").all();
    return user === undefined ? all : all.filter((g) => g.user === user);
  }
}
