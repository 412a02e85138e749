import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dedup } from "./dedup.ts";

const dir = mkdtempSync(join(tmpdir(), "moltbot-dedup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a redelivered (channel, id) is seen; the same id on another channel is not", () => {
  const d = new Dedup();
  expect(d.seen("telegram", "1")).toBe(false);
  expect(d.seen("telegram", "1")).toBe(true);
  expect(d.seen("matrix", "1")).toBe(false);
});

test("the in-memory LRU is bounded", () => {
  const d = new Dedup(undefined, { max: 3 });
  for (const id of ["a", "b", "c", "d"]) d.seen("x", id);
  expect(d.size).toBe(3);
  expect(d.seen("x", "a")).toBe(false); // evicted, and with no state.db it is forgotten
  expect(d.seen("x", "d")).toBe(true);
});

test("ids persist in state.db: a restarted router does not answer a redelivery twice", () => {
  const db = join(dir, "state.db");
  const first = new Dedup(db);
  expect(first.seen("signal", "1700000000000")).toBe(false);
  first.close();
  const second = new Dedup(db, { max: 1 });
  expect(second.seen("signal", "1700000000000")).toBe(true);
  expect(second.seen("signal", "1700000000001")).toBe(false);
  second.close();
});
