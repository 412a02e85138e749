// What makes one line a valid next link in the chain. Shared by verify (which reports the
// first failure) and by append's crash recovery (which adopts only lines that pass).
import type { AuditEntry } from "../contracts/audit.ts";
import { entryHash } from "./entry-hash.ts";

export type Parsed = { ok: true; entry: AuditEntry } | { ok: false; reason: string };

/** Parses one line as an audit entry and checks its own hash (not yet its place in the chain). */
export function parseEntry(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: text.trim() === "" ? "empty line" : "not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: "not a JSON object" };
  const e = value as Partial<AuditEntry>;
  if (e.v !== 1) return { ok: false, reason: `unsupported format version v=${JSON.stringify(e.v) ?? "missing"} (expected 1)` };
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 1) return { ok: false, reason: "seq is missing or not a positive integer" };
  if (typeof e.prev_hash !== "string" || typeof e.hash !== "string") return { ok: false, reason: "prev_hash or hash is missing" };
  let expected: string;
  try {
    expected = entryHash(e as AuditEntry);
  } catch (err) {
    return { ok: false, reason: `cannot be hashed (${(err as Error).message})` };
  }
  if (expected !== e.hash) return { ok: false, reason: `hash mismatch: the entry (seq ${e.seq}) was changed after it was written` };
  return { ok: true, entry: e as AuditEntry };
}

/** Why `entry` cannot follow `prev` (seq + hash of the line before), or null if it can. */
export function linkProblem(entry: AuditEntry, prev: { seq: number; hash: string }): string | null {
  if (entry.seq !== prev.seq + 1) {
    const what = entry.seq <= prev.seq ? "lines were reordered, duplicated or inserted" : "lines were deleted";
    return `seq ${entry.seq} where ${prev.seq + 1} was expected: ${what}`;
  }
  if (entry.prev_hash !== prev.hash) return `prev_hash does not match the previous entry's hash: a line was removed or replaced`;
  return null;
}
