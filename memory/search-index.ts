// The full-text index over the Markdown files (bun:sqlite FTS5). It is derived data: the files
// are the truth, each indexed file carries a stamp (mtime in ns, size, inode), and sync()
// re-reads whatever changed on disk (our writes, another process's, a person's editor) and drops
// what was deleted. A missing, corrupt or older-format index is simply rebuilt.
import { Database } from "bun:sqlite";
import { readFileSync, rmSync } from "node:fs";
import { classify } from "./paths.ts";
import { parseTranscript } from "./transcript-format.ts";
import { ftsQueries } from "./search-query.ts";
import { listMarkdown, stampOf } from "./tree.ts";
import { openSharedDb } from "../runtime/contracts/sqlite.ts";

const VERSION = "1";

export interface SearchHit {
  path: string;
  title: string;
  snippet: string;
  score: number;
}

export class SearchIndex {
  private db: Database;

  constructor(private readonly root: string, readonly file: string) {
    try {
      this.db = open(file);
    } catch (err) {
      // Not a database, or a damaged one: it holds nothing the files don't, so start afresh.
      const code = (err as { code?: string }).code ?? "";
      if (code !== "SQLITE_NOTADB" && code !== "SQLITE_CORRUPT") throw err;
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      this.db = open(file);
    }
  }

  /** Brings the index in line with the files; returns how many files it re-read or dropped. */
  sync(): { changed: number; files: number } {
    const disk = listMarkdown(this.root);
    const known = new Map<string, string>();
    for (const r of this.db.query<{ path: string; stamp: string }, []>("SELECT path, stamp FROM files").all()) known.set(r.path, r.stamp);
    const stale = [...disk].filter(([rel, stamp]) => known.get(rel) !== stamp).map(([rel]) => rel);
    const gone = [...known.keys()].filter((rel) => !disk.has(rel));
    if (stale.length || gone.length) {
      this.db.transaction(() => {
        for (const rel of gone) this.remove(rel);
        for (const rel of stale) this.put(rel);
      }).immediate();
    }
    return { changed: stale.length + gone.length, files: disk.size };
  }

  /** Re-reads one file (after our own write, without walking the tree). */
  refresh(rel: string): void {
    this.db.transaction(() => this.put(rel)).immediate();
  }

  /** Forgets everything and indexes every file again. */
  rebuild(): number {
    this.db.transaction(() => {
      this.db.run("DELETE FROM files");
      this.db.run("DELETE FROM docs");
    }).immediate();
    return this.sync().files;
  }

  search(query: string, limit: number, user?: string): SearchHit[] {
    const filter = user === undefined ? "" : "AND (f.shared = 1 OR instr(f.owners, ?) > 0)";
    const sql = `SELECT f.path AS path, docs.title AS title, snippet(docs, 1, '**', '**', '…', 16) AS snippet, bm25(docs, 5.0, 1.0) AS rank
      FROM docs JOIN files f ON f.id = docs.rowid WHERE docs MATCH ? ${filter} ORDER BY rank LIMIT ?`;
    const stmt = this.db.query<{ path: string; title: string; snippet: string; rank: number }, (string | number)[]>(sql);
    for (const match of ftsQueries(query)) {
      const rows = user === undefined ? stmt.all(match, limit) : stmt.all(match, `\n${user}\n`, limit);
      if (rows.length) return rows.map((r) => ({ path: r.path, title: r.title, snippet: r.snippet, score: Number((-r.rank).toPrecision(4)) }));
    }
    return [];
  }

  /** Every indexed document, for comparing two indexes. */
  dump(): { path: string; title: string; body: string; owners: string }[] {
    return this.db.query<{ path: string; title: string; body: string; owners: string }, []>(
      "SELECT f.path AS path, docs.title AS title, docs.body AS body, f.owners AS owners FROM files f JOIN docs ON docs.rowid = f.id ORDER BY f.path",
    ).all();
  }

  close(): void {
    this.db.close();
  }

  private put(rel: string): void {
    const abs = `${this.root}/${rel}`;
    // Stamp before reading: if the file changes in between, the next sync sees a new stamp.
    const stamp = stampOf(abs);
    if (stamp === null) return this.remove(rel);
    let body: string;
    try { body = readFileSync(abs, "utf8"); } catch { return this.remove(rel); }
    const { shared, owners } = ownersOf(rel, body);
    const title = /^#\s+(.+)$/m.exec(body)?.[1]?.trim() ?? rel;
    const row = this.db.query<{ id: number }, [string, string, number, string]>(
      `INSERT INTO files(path, stamp, shared, owners) VALUES (?, ?, ?, ?)
       ON CONFLICT(path) DO UPDATE SET stamp = excluded.stamp, shared = excluded.shared, owners = excluded.owners RETURNING id`,
    ).get(rel, stamp, shared ? 1 : 0, owners)!;
    this.db.run("DELETE FROM docs WHERE rowid = ?", [row.id]);
    this.db.run("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)", [row.id, title, body]);
  }

  private remove(rel: string): void {
    const row = this.db.query<{ id: number }, [string]>("DELETE FROM files WHERE path = ? RETURNING id").get(rel);
    if (row) this.db.run("DELETE FROM docs WHERE rowid = ?", [row.id]);
  }
}

/**
 * Who may find a file when a search is limited to one user: a profile belongs to its user, a
 * transcript to the users who spoke in it (none known: nobody), everything else is shared.
 */
function ownersOf(rel: string, body: string): { shared: boolean; owners: string } {
  const c = classify(rel);
  if (c?.kind === "users") return { shared: false, owners: `\n${c.id}\n` };
  if (c?.kind === "sessions" || rel.startsWith("users/") || rel.startsWith("sessions/")) {
    const users = new Set(parseTranscript(body).flatMap((e) => (e.user ? [e.user] : [])));
    return { shared: false, owners: users.size ? `\n${[...users].join("\n")}\n` : "" };
  }
  return { shared: true, owners: "" };
}

function open(file: string): Database {
  const db = openSharedDb(file, { strict: true });
  // Immediate: two processes opening a fresh index at once must not both create the tables.
  db.transaction(() => {
    db.run("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    const version = db.query<{ value: string }, []>("SELECT value FROM meta WHERE key = 'version'").get()?.value;
    if (version === VERSION) return;
    db.run("DROP TABLE IF EXISTS files");
    db.run("DROP TABLE IF EXISTS docs");
    db.run("CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, stamp TEXT NOT NULL, shared INTEGER NOT NULL, owners TEXT NOT NULL)");
    db.run("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2')");
    db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)", [VERSION]);
  }).immediate();
  return db;
}
