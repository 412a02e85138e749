import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MoltFailure } from "../contracts/errors.ts";
import type { AuditEntry } from "../contracts/audit.ts";
import { AuditLog } from "./audit-log.ts";
import { entryHash } from "./entry-hash.ts";
import { fileLines, record, tempHome, type TempHome } from "./test-helpers.ts";
import { verifyAudit } from "./verify.ts";

let home: TempHome;
beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

const verify = () => verifyAudit(home.log, { stateDb: home.stateDb });
const writeLines = (lines: string[]) => writeFileSync(home.log, lines.map((l) => `${l}\n`).join(""));

/** A log of `n` entries, tools t1..tn. */
function build(n: number): AuditEntry[] {
  const log = AuditLog.open(home.log, { stateDb: home.stateDb });
  const out: AuditEntry[] = [];
  for (let i = 1; i <= n; i++) out.push(log.append(record({ tool: `t${i}` })));
  log.close();
  return out;
}

/** An entry an attacker forges with a correct hash of its own. */
function forge(fields: Partial<AuditEntry> & { seq: number; prev_hash: string }): string {
  const body: Record<string, unknown> = { v: 1, timestamp: new Date().toISOString(), ...record(), ...fields };
  delete body.hash;
  return JSON.stringify({ ...body, hash: entryHash(body as { prev_hash: string }) });
}

describe("verifyAudit", () => {
  test("missing or empty log with no head: ok, 0 entries", () => {
    expect(verify()).toEqual({ ok: true, entries: 0 });
    writeFileSync(home.log, "");
    expect(verify()).toEqual({ ok: true, entries: 0 });
  });

  test("before the first run (no home folder yet): ok, 0 entries, and nothing is created", () => {
    const fresh = join(home.dir, "not-yet");
    expect(verifyAudit(join(fresh, "audit.jsonl"), { stateDb: join(fresh, "state.db") })).toEqual({ ok: true, entries: 0 });
    expect(existsSync(fresh)).toBe(false);
    build(2);
    expect(verifyAudit(home.log, { stateDb: join(fresh, "state.db") })).toMatchObject({ ok: true, entries: 2, warnings: [expect.stringContaining("no head")] });
  });

  test("a folder where the log should be is the user's mistake (invalid_input naming it), not a crash", () => {
    const dir = join(home.dir, "logs");
    mkdirSync(dir);
    let error: unknown;
    try {
      verifyAudit(dir, { stateDb: home.stateDb });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MoltFailure);
    expect((error as MoltFailure).error).toMatchObject({ code: "invalid_input", message: `audit log ${dir}: is a folder, not a file`, details: { path: dir } });
  });

  test("an intact log: ok with its entry count, and verify changes nothing", () => {
    build(4);
    const before = readFileSync(home.log);
    expect(verify()).toEqual({ ok: true, entries: 4 });
    expect(readFileSync(home.log).equals(before)).toBe(true);
  });

  test("re-formatting a line (key order, whitespace) is not tampering", () => {
    build(3);
    const lines = fileLines(home.log);
    const e = JSON.parse(lines[1]!) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(e).reverse());
    lines[1] = `  ${JSON.stringify(reordered, null, 1).replaceAll("\n", " ")}  `;
    writeLines(lines);
    expect(verify()).toEqual({ ok: true, entries: 3 });
  });

  test("an edited field is a hash mismatch on that line", () => {
    build(3);
    const lines = fileLines(home.log);
    lines[1] = lines[1]!.replace('"result":"success"', '"result":"error"');
    writeLines(lines);
    expect(verify()).toMatchObject({ ok: false, line: 2, reason: expect.stringMatching(/hash mismatch/) });
  });

  test("a deleted line is reported at the line after the gap", () => {
    build(4);
    const lines = fileLines(home.log);
    lines.splice(1, 1);
    writeLines(lines);
    expect(verify()).toMatchObject({ ok: false, line: 2, reason: expect.stringMatching(/seq 3 where 2 was expected/) });
  });

  test("reordered lines are reported", () => {
    build(4);
    const lines = fileLines(home.log);
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    writeLines(lines);
    expect(verify()).toMatchObject({ ok: false, line: 2 });
  });

  test("an inserted forged line with a self-consistent hash is reported", () => {
    const entries = build(4);
    const lines = fileLines(home.log);
    lines.splice(1, 0, forge({ seq: 2, prev_hash: entries[0]!.hash, tool: "forged" }));
    writeLines(lines);
    // The forgery itself chains; the original line 2 after it no longer does.
    expect(verify()).toMatchObject({ ok: false, line: 3, reason: expect.stringMatching(/seq 2 where 3 was expected/) });
  });

  test("whole lines cut off the end are caught through the head in state.db", () => {
    build(5);
    writeLines(fileLines(home.log).slice(0, 3));
    expect(verify()).toMatchObject({ ok: false, line: 4, reason: expect.stringMatching(/ends at seq 3 but state.db records seq 5: 2 entries were cut off/) });
  });

  test("a rewritten last entry with a recomputed hash is caught through the head", () => {
    const entries = build(2);
    const lines = fileLines(home.log);
    lines[1] = forge({ seq: 2, prev_hash: entries[0]!.hash, tool: "innocent" });
    writeLines(lines);
    expect(verify()).toMatchObject({ ok: false, line: 2, reason: expect.stringMatching(/not the one state.db recorded/) });
  });

  test("a torn final line without a newline: incomplete last line", () => {
    build(2);
    appendFileSync(home.log, '{"v":1,"seq":3');
    expect(verify()).toEqual({ ok: false, line: 3, reason: expect.stringMatching(/^incomplete last line/) });
  });

  test("a final line that is not valid JSON: incomplete last line", () => {
    build(2);
    appendFileSync(home.log, '{"v":1,"seq":3\n');
    expect(verify()).toMatchObject({ ok: false, line: 3, reason: expect.stringMatching(/^incomplete last line/) });
  });

  test("a complete line missing its newline is still reported, not accepted", () => {
    build(2);
    const text = readFileSync(home.log, "utf8");
    writeFileSync(home.log, text.slice(0, -1));
    expect(verify()).toMatchObject({ ok: false, line: 2, reason: expect.stringMatching(/does not end with a newline/) });
  });

  test("entries spread across read chunks verify; a line longer than any entry is reported by line", () => {
    const log = AuditLog.open(home.log, { stateDb: home.stateDb, fsync: false });
    for (let i = 1; i <= 40; i++) log.append(record({ tool: `t${i}`, parameters: { blob: "x".repeat(60_000) } })); // ~2.4 MB
    log.close();
    expect(verify()).toEqual({ ok: true, entries: 40 });
    // Foreign data with no newline for 3 MiB, between entries and at the end.
    const lines = fileLines(home.log);
    writeLines([lines[0]!, "z".repeat(3 << 20), lines[1]!]);
    expect(verify()).toEqual({ ok: false, line: 2, reason: expect.stringMatching(/^a line of more than 262144 bytes, which no entry is/) });
    writeFileSync(home.log, `${lines[0]}\n${"z".repeat(3 << 20)}`);
    expect(verify()).toEqual({ ok: false, line: 2, reason: expect.stringMatching(/^incomplete last line/) });
  });

  test("a blank line and an unsupported version are reported by line", () => {
    build(2);
    const lines = fileLines(home.log);
    writeLines([lines[0]!, "", lines[1]!]);
    expect(verify()).toMatchObject({ ok: false, line: 2, reason: "empty line" });
    writeLines([lines[0]!.replace('"v":1', '"v":2'), lines[1]!]);
    expect(verify()).toMatchObject({ ok: false, line: 1, reason: expect.stringMatching(/version/) });
  });

  test("log file deleted while state.db remembers entries: not ok", () => {
    build(2);
    rmSync(home.log);
    expect(verify()).toMatchObject({ ok: false, line: 1, reason: expect.stringMatching(/missing/) });
  });

  test("state.db deleted: ok, with a warning that truncation cannot be checked", () => {
    build(2);
    rmSync(home.stateDb);
    const res = verify();
    expect(res).toMatchObject({ ok: true, entries: 2 });
    expect(res.ok && res.warnings?.[0]).toMatch(/no head/);
  });

  test("entries past the recorded head (crash just after a write): ok, with a warning", () => {
    const entries = build(2);
    appendFileSync(home.log, `${forge({ seq: 3, prev_hash: entries[1]!.hash })}\n`);
    const res = verify();
    expect(res).toMatchObject({ ok: true, entries: 3 });
    expect(res.ok && res.warnings?.[0]).toMatch(/after seq 2 are not recorded/);
  });
});
