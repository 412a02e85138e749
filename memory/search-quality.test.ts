// What searches find beyond plain English words: prefixes longer than a word's stem, Greek and
// German spellings, Chinese and Japanese words inside a run; and an index of the old format
// (one stemmed table) is rebuilt on open rather than searched.
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore } from "./store.ts";

const root = mkdtempSync(join(tmpdir(), "moltbot-quality-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, "notes"));
writeFileSync(join(root, "notes/run.md"), "# Run\n\nI went running yesterday. Happiness matters.\n");
writeFileSync(join(root, "notes/dentist.md"), "# Dentist\n\nDentist appointments, organizational stuff.\n");
writeFileSync(join(root, "notes/cjk.md"), "# CJK\n\n日本語のテキスト\n東京に住んでいます。我喜欢喝咖啡。\n");
writeFileSync(join(root, "notes/folds.md"), "# Folds\n\nλέξεις, Straße, Fußball\n");
const store = new MemoryStore(root);
afterAll(() => store.close());
const paths = async (q: string) => (await store.search(q)).map((h) => h.path);

describe("search quality", () => {
  test("a prefix longer than the word's stem still matches (not stemmed itself)", async () => {
    for (const q of ["runn*", "happin*", "run*", "running*", "happiness*"]) expect([q, await paths(q)]).toEqual([q, ["notes/run.md"]]);
    for (const q of ["appointm*", "organizationa*", "appoi*"]) expect([q, await paths(q)]).toEqual([q, ["notes/dentist.md"]]);
    // The snippet marks the word the prefix matched.
    expect((await store.search("runn*"))[0]!.snippet).toContain("**running**");
    // Whole words keep stemming; prefixes and whole words combine (all words, then any).
    expect(await paths("appointment")).toEqual(["notes/dentist.md"]);
    expect(await paths("dentist appointm*")).toEqual(["notes/dentist.md"]);
    expect((await paths("runn* appointm*")).sort()).toEqual(["notes/dentist.md", "notes/run.md"]);
    expect(await paths("unicorn*")).toEqual([]);
  });

  test("Chinese and Japanese words are found inside a run", async () => {
    for (const q of ["日本語", "テキスト", "東京", "咖啡", "日本語のテキスト", "住んで", "喝", "ト"]) {
      expect([q, await paths(q)]).toEqual([q, ["notes/cjk.md"]]);
    }
    // Bigrams of two runs are never joined into a phrase across the break between them.
    expect(await paths("す我")).toEqual([]);
    expect(await paths("京東")).toEqual([]);
  });

  test("Greek accents and final sigma, German ß: found by the plain spelling, and the other way", async () => {
    for (const q of ["λεξεις", "ΛΕΞΕΙΣ", "λέξεις", "strasse", "Straße", "fussball", "FUSSBALL", "fussb*", "λεξ*"]) {
      expect([q, await paths(q)]).toEqual([q, ["notes/folds.md"]]);
    }
  });

  test("an index of the old format (version 1) is dropped and rebuilt on open", async () => {
    const dir = mkdtempSync(join(tmpdir(), "moltbot-quality-v1-"));
    try {
      mkdirSync(join(dir, "notes"));
      writeFileSync(join(dir, "notes/run.md"), "# Run\n\nI went running.\n");
      const db = new Database(join(dir, ".index.db"));
      db.run("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      db.run("INSERT INTO meta VALUES ('version', '1')");
      db.run("CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, stamp TEXT NOT NULL, shared INTEGER NOT NULL, owners TEXT NOT NULL)");
      db.run("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2')");
      db.close();
      const old = new MemoryStore(dir);
      expect((await old.search("runn*")).map((h) => h.path)).toEqual(["notes/run.md"]);
      old.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("edits and deletions keep both tables in step with the files", async () => {
    writeFileSync(join(root, "notes/edit.md"), "# Edit\n\nzebrafish swimming\n");
    expect(await paths("zebraf*")).toEqual(["notes/edit.md"]);
    writeFileSync(join(root, "notes/edit.md"), "# Edit\n\nokapi walking, 北京\n");
    expect(await paths("zebraf*")).toEqual([]);
    expect(await paths("zebrafish")).toEqual([]);
    expect(await paths("okap*")).toEqual(["notes/edit.md"]);
    expect(await paths("北京")).toEqual(["notes/edit.md"]);
    rmSync(join(root, "notes/edit.md"));
    expect(await paths("okap*")).toEqual([]);
    expect(await paths("北京")).toEqual([]);
    expect(await store.reindex()).toEqual({ files: 4 });
    expect(await paths("runn*")).toEqual(["notes/run.md"]);
  });
});
