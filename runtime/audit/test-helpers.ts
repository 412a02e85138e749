// Shared by this folder's tests: a temp home per test and a typical record.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditEntry, AuditRecord } from "../contracts/audit.ts";

export interface TempHome {
  dir: string;
  log: string;
  stateDb: string;
  cleanup(): void;
}

export function tempHome(): TempHome {
  const dir = mkdtempSync(join(tmpdir(), "moltbot-audit-"));
  return { dir, log: join(dir, "audit.jsonl"), stateDb: join(dir, "state.db"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    tool: "shell_execute",
    parameters: { command: "git status" },
    user_approved: true,
    result: "success",
    output_hash: "sha256:abc",
    skill_version: "1.0.0",
    session: "s1",
    channel: "telegram",
    user: "telegram:123",
    node: "local",
    decision: "confirm",
    duration_ms: 12,
    ...overrides,
  };
}

export function fileLines(path: string): string[] {
  const text = readFileSync(path, "utf8");
  return text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
}

export function fileEntries(path: string): AuditEntry[] {
  return fileLines(path).map((l) => JSON.parse(l) as AuditEntry);
}
