import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { AuditEntry } from "../contracts/audit.ts";
import { AuditLog } from "./audit-log.ts";
import { formatAuditEntry, tailAudit } from "./tail.ts";
import { record, tempHome, type TempHome } from "./test-helpers.ts";

let home: TempHome;
beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

function build(n: number, params: unknown = {}): void {
  const log = AuditLog.open(home.log, { stateDb: home.stateDb, fsync: false });
  for (let i = 1; i <= n; i++) log.append(record({ tool: `t${i}`, parameters: params }));
  log.close();
}

describe("tailAudit", () => {
  test("a folder given as the log is an invalid_input naming it", () => {
    const dir = join(home.dir, "logs");
    mkdirSync(dir);
    expect(() => tailAudit(dir, 3)).toThrow(`audit log ${dir}: is a folder, not a file`);
  });

  test("returns the newest n entries, oldest first", () => {
    build(10);
    expect(tailAudit(home.log, 3).map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(tailAudit(home.log, 50)).toHaveLength(10);
  });

  test("missing file or n < 1: no entries", () => {
    expect(tailAudit(home.log, 5)).toEqual([]);
    build(1);
    expect(tailAudit(home.log, 0)).toEqual([]);
  });

  test("reads back across MiB chunk boundaries", () => {
    build(40, { blob: "x".repeat(60_000) }); // ~2.4 MB
    expect(tailAudit(home.log, 25).map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 16));
  });

  test("reads past foreign data with no newline, and over a torn tail of it", () => {
    build(2);
    appendFileSync(home.log, "z".repeat(5 << 20) + "\n");
    build(2); // the log continues after the foreign line (seq 3 and 4)
    expect(tailAudit(home.log, 3).map((e) => e.seq)).toEqual([3, 4]);
    appendFileSync(home.log, "z".repeat(5 << 20));
    expect(tailAudit(home.log, 2).map((e) => e.seq)).toEqual([3, 4]);
  });

  test("skips a torn last line (verify reports it)", () => {
    build(3);
    appendFileSync(home.log, '{"v":1,"seq":4,"to');
    expect(tailAudit(home.log, 2).map((e) => e.seq)).toEqual([2, 3]);
  });
});

describe("formatAuditEntry", () => {
  const base = { v: 1, seq: 42, timestamp: "2026-01-28T10:30:00.000Z", prev_hash: "p", hash: "h", ...record() } as AuditEntry;

  test("one line with time, seq, tool, result, decision, approval and duration", () => {
    expect(formatAuditEntry({ ...base, duration_ms: 12.4 })).toBe(
      "2026-01-28T10:30:00.000Z  #42  shell_execute  success  decision=confirm  approved=yes  12ms",
    );
  });

  test("shows rejection, no confirmation needed, and the error code", () => {
    expect(formatAuditEntry({ ...base, user_approved: false, result: "rejected" })).toContain("rejected  decision=confirm  approved=no");
    expect(formatAuditEntry({ ...base, user_approved: null, result: "timeout", error_code: "timeout" })).toContain("timeout (timeout)  decision=confirm  approved=-");
  });
});
