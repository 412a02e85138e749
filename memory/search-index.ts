// The full-text index over the Markdown files (bun:sqlite FTS5). It is derived data: the files
// are the truth, each indexed file carries a stamp (mtime in ns, size, inode), and sync()
// re-reads whatever changed on disk (our writes, another process's, a person's editor) and drops
// what was deleted. A missing, corrupt or older-format index is simply rebuilt.
//
// Two FTS5 tables index the same text, kept once in `files` (external content): `docs` stems
// (porter) for whole words, `words` does not, for prefixes — a stemmer stems the prefix too, so
// "runn*" missed "running" (stem "run"). `extra` holds what unicode61 cannot derive itself
// (folded spellings, CJK bigrams: search-text.ts).
import { Database } from "bun:sqlite";
import { readFileSync, rmSync } from "node:fs";
import { classify } from "./paths.ts";
import { parseTranscript } from "./transcript-format.ts";
import { ftsQueries, type FtsPass } from "./search-query.ts";
import { extraText } from "./search-text.ts";
import { listMarkdown, stampOf } from "./tree.ts";
import { openSharedDb } from "../runtime/contracts/sqlite.ts";

// 2: the unstemmed `words` table, `extra`, the text moved into `files`.
const VERSION = "2";
const TOKENIZER = "unicode61 remove_diacritics 2";

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
      this.db.run("INSERT INTO docs(docs) VALUES ('delete-all')");
      this.db.run("INSERT INTO words(words) VALUES ('delete-all')");
      this.db.run("DELETE FROM files");
    }).immediate();
    return this.sync().files;
  }

  search(query: string, limit: number, user?: string): SearchHit[] {
    for (const pass of ftsQueries(query)) {
      const rows = this.run(pass, limit, user);
      if (rows.length) return rows.map((r) => ({ path: r.path, title: r.title, snippet: r.snippet, score: Number((-r.rank).toPrecision(4)) }));
    }
    return [];
  }

  /** Every indexed document, for comparing two indexes. */
  dump(): { path: string; title: string; body: string; owners: string }[] {
    return this.db.query<{ path: string; title: string; body: string; owners: string }, []>(
      "SELECT path, title, body, owners FROM files ORDER BY path",
    ).all();
  }

  close(): void {
    this.db.close();
  }

  /**
   * One pass of a query. All words: the table of the whole words ranks and gives the snippet,
   * the other (if any) filters. Any word: each table on its own, merged by score.
   */
  private run(pass: FtsPass, limit: number, user?: string): Row[] {
    if (!pass.any || pass.stemmed === undefined || pass.prefix === undefined) {
      const [table, match] = pass.stemmed !== undefined ? ["docs", pass.stemmed] as const : ["words", pass.prefix!] as const;
      const also = table === "docs" && pass.prefix !== undefined ? pass.prefix : undefined;
      return this.select(table, match, also, limit, user);
    }
    const seen = new Set<string>();
    return [...this.select("docs", pass.stemmed, undefined, limit, user), ...this.select("words", pass.prefix, undefined, limit, user)]
      .sort((a, b) => a.rank - b.rank)
      .filter((r) => !seen.has(r.path) && seen.add(r.path))
      .slice(0, limit);
  }

  private select(table: "docs" | "words", match: string, prefix: string | undefined, limit: number, user?: string): Row[] {
    const params: (string | number)[] = [match];
    let where = `${table} MATCH ?`;
    if (prefix !== undefined) {
      where += " AND f.id IN (SELECT rowid FROM words WHERE words MATCH ?)";
      params.push(prefix);
    }
    if (user !== undefined) {
      where += " AND (f.shared = 1 OR instr(f.owners, ?) > 0)";
      params.push(`\n${user}\n`);
    }
    params.push(limit);
    const sql = `SELECT f.path AS path, f.title AS title, snippet(${table}, 1, '**', '**', '…', 16) AS snippet, bm25(${table}, 5.0, 1.0, 1.0) AS rank
      FROM ${table} JOIN files f ON f.id = ${table}.rowid WHERE ${where} ORDER BY rank LIMIT ?`;
    return this.db.query<Row, (string | number)[]>(sql).all(...params);
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
    this.remove(rel);
    const row = this.db.query<{ id: number }, [string, string, number, string, string, string, string]>(
      "INSERT INTO files(path, stamp, shared, owners, title, body, extra) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    ).get(rel, stamp, shared ? 1 : 0, owners, title, body, extraText(body))!;
    for (const t of ["docs", "words"]) {
      this.db.run(`INSERT INTO ${t}(rowid, title, body, extra) SELECT id, title, body, extra FROM files WHERE id = ?`, [row.id]);
    }
  }

  private remove(rel: string): void {
    // External content: FTS5 needs the old text to take its tokens out.
    for (const t of ["docs", "words"]) {
      this.db.run(`INSERT INTO ${t}(${t}, rowid, title, body, extra) SELECT 'delete', id, title, body, extra FROM files WHERE path = ?`, [rel]);
    }
    this.db.run("DELETE FROM files WHERE path = ?", [rel]);
  }
}

interface Row {
  path: string;
  title: string;
  snippet: string;
  rank: number;
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
    for (const t of ["docs", "words", "files"]) db.run(`DROP TABLE IF EXISTS ${t}`);
    db.run(`CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, stamp TEXT NOT NULL, shared INTEGER NOT NULL, owners TEXT NOT NULL,
      title TEXT NOT NULL, body TEXT NOT NULL, extra TEXT NOT NULL)`);
    const content = "content = 'files', content_rowid = 'id'";
    db.run(`CREATE VIRTUAL TABLE docs USING fts5(title, body, extra, ${content}, tokenize = 'porter ${TOKENIZER}')`);
    db.run(`CREATE VIRTUAL TABLE words USING fts5(title, body, extra, ${content}, tokenize = '${TOKENIZER}')`);
    db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)", [VERSION]);
  }).immediate();
  return db;
}
