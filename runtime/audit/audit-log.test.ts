import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { MoltFailure } from "../contracts/errors.ts";
import { AuditLog } from "./audit-log.ts";
import { canonicalJson } from "./canonical-json.ts";
import { entryHash, GENESIS_HASH } from "./entry-hash.ts";
import { fileEntries, fileLines, record, tempHome, type TempHome } from "./test-helpers.ts";
import { verifyAudit } from "./verify.ts";

let home: TempHome;
beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

const open = (opts: { secrets?: string[]; fsync?: boolean } = {}) => AuditLog.open(home.log, { stateDb: home.stateDb, ...opts });

describe("AuditLog.append", () => {
  test("fills v, seq, timestamp and the hash chain, and the line is in the file on return", () => {
    const log = open();
    const a = log.append(record());
    expect(fileLines(home.log)).toHaveLength(1);
    const b = log.append(record({ tool: "web_fetch", decision: "allow", user_approved: null }));
    log.close();
    expect([a.v, a.seq, b.seq]).toEqual([1, 1, 2]);
    expect(a.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(a.prev_hash).toBe(`sha256:${"0".repeat(64)}`);
    expect(b.prev_hash).toBe(a.hash);
    // The hash, recomputed independently of entryHash: prev_hash + JCS of the entry minus hash.
    const { hash, ...rest } = b;
    expect(hash).toBe(`sha256:${createHash("sha256").update(b.prev_hash + canonicalJson(rest)).digest("hex")}`);
    expect(fileEntries(home.log)).toEqual([a, b]);
  });

  test("creates the log (and its folder) and a new state.db with mode 0600", () => {
    const nested = join(home.dir, "sub", "audit.jsonl");
    AuditLog.open(nested, { stateDb: home.stateDb }).close();
    expect(statSync(nested).mode & 0o777).toBe(0o600);
    expect(statSync(home.stateDb).mode & 0o777).toBe(0o600);
  });

  test("a log path that cannot be a file is an invalid_input naming the path and the problem", () => {
    const cases: [string, string][] = [
      [home.dir, "is a folder, not a file"],
      [join(home.log, "x.jsonl"), "part of the path is a file, not a folder"],
      ["/proc/nope/x.jsonl", "its folder does not exist and cannot be created"],
    ];
    writeFileSync(home.log, "");
    for (const [path, problem] of cases) {
      let error: unknown;
      try {
        AuditLog.open(path, { stateDb: home.stateDb }).close();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(MoltFailure);
      expect((error as MoltFailure).error).toMatchObject({ code: "invalid_input", message: `audit log ${path}: ${problem}`, details: { path, problem } });
    }
  });

  test("redacts secret-looking parameter names at any depth", () => {
    const log = open();
    const e = log.append(record({
      parameters: {
        command: "deploy",
        api_key: "AK-1", Authorization: "Bearer t0k", password: "pw-1",
        headers: { "X-Auth-Token": "xat-1", Cookie: "c=1" },
        clients: [{ client_secret: "cs-1", name: "ok" }, { apiKey: { nested: "ak-2" } }],
      },
    }));
    log.close();
    expect(e.parameters).toEqual({
      command: "deploy",
      api_key: "[REDACTED]", Authorization: "[REDACTED]", password: "[REDACTED]",
      headers: { "X-Auth-Token": "[REDACTED]", Cookie: "[REDACTED]" },
      clients: [{ client_secret: "[REDACTED]", name: "ok" }, { apiKey: "[REDACTED]" }],
    });
    const text = readFileSync(home.log, "utf8");
    for (const secret of ["AK-1", "t0k", "pw-1", "xat-1", "c=1", "cs-1", "ak-2"]) expect(text).not.toContain(secret);
  });

  // A member named "__proto__" (JSON.parse makes it an own property, so a model can send one)
  // must be recorded like any other, not vanish into the copy's prototype.
  test("records a parameter named __proto__ like any other, redacted and hashed", () => {
    const log = open();
    const params = JSON.parse(`{"__proto__": {"hidden": "rm -rf ~", "token": "t-1"}, "command": "ls"}`);
    const e = log.append(record({ parameters: params }));
    log.close();
    const line = JSON.parse(fileLines(home.log)[0]!);
    expect(Object.keys(line.parameters)).toEqual(["__proto__", "command"]);
    expect(JSON.stringify(line.parameters)).toBe(`{"__proto__":{"hidden":"rm -rf ~","token":"[REDACTED]"},"command":"ls"}`);
    expect(Object.keys(e.parameters as object)).toEqual(["__proto__", "command"]);
    expect(verifyAudit(home.log, { stateDb: home.stateDb }).ok).toBe(true);
  });

  test("redacts known secret values inside any string, keeping the rest", () => {
    const log = open({ secrets: ["sk-live-42", ""] });
    const e = log.append(record({
      parameters: { command: "curl -H 'x: sk-live-42' https://h", list: ["sk-live-42"], "sk-live-42": 1 },
      session: "sess-sk-live-42",
    }));
    log.close();
    expect(e.parameters).toEqual({ command: "curl -H 'x: [REDACTED]' https://h", list: ["[REDACTED]"], "[REDACTED]": 1 });
    expect(e.session).toBe("sess-[REDACTED]");
    expect(readFileSync(home.log, "utf8")).not.toContain("sk-live-42");
  });

  test("keeps long values but caps an entry at 64 KiB with a truncation marker", () => {
    const log = open();
    const medium = "m".repeat(10_000);
    const kept = log.append(record({ parameters: { text: medium } }));
    const huge = log.append(record({ parameters: { text: "h".repeat(1_000_000), many: Array(5000).fill("y".repeat(100)) } }));
    log.close();
    expect((kept.parameters as { text: string }).text).toBe(medium);
    const line = fileLines(home.log)[1]!;
    expect(Buffer.byteLength(line) + 1).toBeLessThanOrEqual(64 * 1024);
    expect(line).toContain("[truncated");
    expect(huge.seq).toBe(2);
    expect(verifyAudit(home.log, { stateDb: home.stateDb })).toEqual({ ok: true, entries: 2 });
  });

  test("writes parameters that are not plain JSON without throwing", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const log = open();
    const e = log.append(record({
      parameters: { n: 10n, nan: Number.NaN, when: new Date(0), gone: undefined, fn: () => 1, lone: "a\ud800b", cyclic },
    }));
    log.close();
    expect(e.parameters).toEqual({
      n: "10", nan: null, when: "1970-01-01T00:00:00.000Z", lone: "a\ufffdb", cyclic: { name: "loop", self: "[Circular]" },
    });
    expect(verifyAudit(home.log, { stateDb: home.stateDb })).toEqual({ ok: true, entries: 1 });
  });

  test("refuses a malformed record and writes nothing", () => {
    const log = open();
    const bad = { ...record(), result: "maybe" } as unknown as ReturnType<typeof record>;
    expect(() => log.append(bad)).toThrow(MoltFailure);
    expect(() => log.append(record({ duration_ms: -1 }))).toThrow(/duration_ms/);
    log.close();
    expect(readFileSync(home.log, "utf8")).toBe("");
  });

  test("append after close is an error", () => {
    const log = open();
    log.close();
    expect(() => log.append(record())).toThrow(/closed/);
  });

  test("fsync: false still writes a valid chain", () => {
    const log = open({ fsync: false });
    for (let i = 0; i < 5; i++) log.append(record());
    log.close();
    expect(verifyAudit(home.log, { stateDb: home.stateDb })).toEqual({ ok: true, entries: 5 });
  });

  test("two handles on one log in one process share the chain", () => {
    const a = open();
    const b = AuditLog.open(join(home.dir, ".", "audit.jsonl"), { stateDb: home.stateDb });
    a.append(record());
    b.append(record());
    a.append(record());
    a.close();
    b.close();
    expect(fileEntries(home.log).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(verifyAudit(home.log, { stateDb: home.stateDb }).ok).toBe(true);
  });
});

describe("AuditLog recovery", () => {
  test("state.db deleted: continues after the file's last line", () => {
    const log = open();
    log.append(record());
    log.append(record());
    log.close();
    rmSync(home.stateDb);
    const again = open();
    const e = again.append(record());
    again.close();
    expect(e.seq).toBe(3);
    expect(verifyAudit(home.log, { stateDb: home.stateDb })).toEqual({ ok: true, entries: 3 });
  });

  test("state.db deleted and the last line is garbage: refuses, the file untouched", () => {
    const log = open();
    log.append(record());
    log.close();
    rmSync(home.stateDb);
    appendFileSync(home.log, "{not json}\n");
    const before = readFileSync(home.log, "utf8");
    const again = open();
    let caught: unknown;
    try {
      again.append(record());
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MoltFailure);
    expect((caught as MoltFailure).error.message).toContain(home.log);
    expect((caught as MoltFailure).error.hint).toContain("moltbot audit verify");
    again.close();
    expect(readFileSync(home.log, "utf8")).toBe(before);
  });

  test("state.db deleted: a last line of megabytes of garbage is refused, a torn tail of them passed over", () => {
    const log = open();
    log.append(record());
    log.append(record());
    log.close();
    rmSync(home.stateDb);
    appendFileSync(home.log, "z".repeat(5 << 20)); // torn: no newline
    const again = open();
    expect(again.append(record()).seq).toBe(3);
    again.close();
    rmSync(home.stateDb);
    appendFileSync(home.log, "z".repeat(5 << 20) + "\n"); // a whole line of it
    const third = open();
    expect(() => third.append(record())).toThrow("cannot continue the chain");
    third.close();
  });

  test("torn last line: kept as evidence, the next entry starts on a fresh line", () => {
    const log = open();
    log.append(record());
    const good = log.append(record());
    appendFileSync(home.log, '{"v":1,"seq":3,"timest'); // a crash mid-write
    const next = log.append(record());
    log.close();
    const lines = fileLines(home.log);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('{"v":1,"seq":3,"timest');
    expect(next.seq).toBe(3);
    expect(next.prev_hash).toBe(good.hash);
    expect(verifyAudit(home.log, { stateDb: home.stateDb })).toMatchObject({ ok: false, line: 3, reason: expect.stringMatching(/not valid JSON/) });
  });

  test("crash after the write but before state.db was updated: the written line is adopted", () => {
    const log = open();
    const first = log.append(record());
    // What a writer that died between fsync and COMMIT leaves behind: a valid next line.
    const body = { ...first, seq: 2, prev_hash: first.hash, tool: "orphan" } as Record<string, unknown>;
    delete body.hash;
    const orphan = { ...body, hash: entryHash(body as { prev_hash: string }) };
    appendFileSync(home.log, `${JSON.stringify(orphan)}\n`);
    const next = log.append(record());
    log.close();
    expect(next.seq).toBe(3);
    expect(next.prev_hash).toBe(orphan.hash);
    expect(verifyAudit(home.log, { stateDb: home.stateDb })).toEqual({ ok: true, entries: 3 });
  });

  test("a log moved away is not silently restarted: the new file continues the chain", () => {
    const log = open();
    log.append(record());
    renameSync(home.log, `${home.log}.old`);
    const e = log.append(record());
    log.close();
    expect(e.seq).toBe(2);
    expect(statSync(home.log).mode & 0o777).toBe(0o600);
    expect(fileLines(home.log)).toHaveLength(1);
    expect(verifyAudit(home.log, { stateDb: home.stateDb })).toMatchObject({ ok: false, line: 1 });
  });

  test("a fresh log starts from the genesis hash", () => {
    writeFileSync(home.log, "");
    const log = open();
    expect(log.append(record()).prev_hash).toBe(GENESIS_HASH);
    log.close();
  });
});
