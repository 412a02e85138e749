import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, statSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSharedDb } from "./sqlite.ts";

const dir = mkdtempSync(join(tmpdir(), "moltbot-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const modes = (prefix: string) =>
  Object.fromEntries(readdirSync(dir).filter((f) => f.startsWith(prefix)).map((f) => [f, statSync(join(dir, f)).mode & 0o777]));

test("a new database and its -wal/-shm files are created 0600 whatever the umask (DESIGN §12)", () => {
  const before = process.umask(0o022);
  try {
    const db = openSharedDb(join(dir, "new.db"));
    db.run("CREATE TABLE t (a)");
    db.run("INSERT INTO t VALUES (1)");
    expect(modes("new.db")).toEqual({ "new.db": 0o600, "new.db-wal": 0o600, "new.db-shm": 0o600 });
    db.close();
  } finally {
    process.umask(before);
  }
});

test("an existing file keeps its mode and its content", () => {
  const path = join(dir, "old.db");
  const first = openSharedDb(path);
  first.run("CREATE TABLE t (a)");
  first.run("INSERT INTO t VALUES (42)");
  first.close();
  chmodSync(path, 0o640);
  const again = openSharedDb(path);
  expect(again.query("SELECT a FROM t").get()).toEqual({ a: 42 });
  again.close();
  expect(statSync(path).mode & 0o777).toBe(0o640);
});
