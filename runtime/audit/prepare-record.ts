// Turns a caller's AuditRecord into the exact, JSON-safe content of one log line: checked,
// redacted, and capped in size. Field order is DESIGN §6's, for people reading the file;
// the hash does not depend on it.
import type { AuditRecord, AuditResult } from "../contracts/audit.ts";
import { fail } from "../contracts/errors.ts";
import { redactor } from "./redact.ts";
import { fitToLimit, MAX_ENTRY_BYTES } from "./truncate.ts";

const RESULTS: readonly AuditResult[] = ["success", "error", "denied", "forbidden", "rejected", "timeout"];
const DECISIONS: readonly AuditRecord["decision"][] = ["allow", "confirm", "forbid"];
// Room left in a line for v, seq, timestamp, prev_hash and hash.
const ENVELOPE_BYTES = 512;

export function prepareRecord(record: AuditRecord, secrets: readonly string[]): AuditRecord {
  check(record);
  const redact = redactor(secrets);
  const clean = (v: unknown) => redact(v, false);
  const out: AuditRecord = {
    tool: clean(record.tool) as string,
    parameters: redact(record.parameters, true) ?? null,
    user_approved: record.user_approved,
    result: record.result,
    output_hash: clean(record.output_hash) as string | null,
    skill_version: clean(record.skill_version) as string | null,
    session: clean(record.session) as string | null,
    channel: clean(record.channel) as string | null,
    user: clean(record.user) as string | null,
    node: clean(record.node) as string,
    decision: record.decision,
    duration_ms: record.duration_ms,
  };
  if (record.error_code !== undefined) out.error_code = clean(record.error_code) as string;
  if (record.denials !== undefined) out.denials = clean(record.denials) as AuditRecord["denials"];
  if (record.denials_omitted !== undefined) out.denials_omitted = record.denials_omitted;
  const bytes = (r: AuditRecord) => Buffer.byteLength(JSON.stringify(r));
  return fitToLimit(out, MAX_ENTRY_BYTES - ENVELOPE_BYTES, bytes, (original) => ({
    // Even 64-character strings did not fit (a huge number of members): keep the fields that
    // identify the call and say what was dropped.
    ...out,
    parameters: `[truncated: parameters too large, entry was ${original} bytes]`,
    denials: out.denials === undefined ? undefined : [],
  }));
}

// A malformed record is a caller bug; refusing it beats writing an entry nobody can trust.
function check(r: AuditRecord): void {
  const bad = (field: string, expected: string): never =>
    fail("invalid_input", `audit record: ${field} must be ${expected}`, "this is a bug in the caller of AuditLog.append");
  if (typeof r !== "object" || r === null) bad("the record", "an object");
  if (typeof r.tool !== "string" || r.tool === "") bad("tool", "a non-empty string");
  if (!RESULTS.includes(r.result)) bad("result", RESULTS.join("|"));
  if (!DECISIONS.includes(r.decision)) bad("decision", DECISIONS.join("|"));
  if (r.user_approved !== true && r.user_approved !== false && r.user_approved !== null) bad("user_approved", "true, false or null");
  if (typeof r.node !== "string" || r.node === "") bad("node", "a non-empty string");
  if (typeof r.duration_ms !== "number" || !Number.isFinite(r.duration_ms) || r.duration_ms < 0) bad("duration_ms", "a finite number ≥ 0");
  for (const f of ["output_hash", "skill_version", "session", "channel", "user"] as const) {
    if (r[f] !== null && typeof r[f] !== "string") bad(f, "a string or null");
  }
  if (r.error_code !== undefined && typeof r.error_code !== "string") bad("error_code", "a string");
  if (r.denials !== undefined && !Array.isArray(r.denials)) bad("denials", "an array");
  if (r.denials_omitted !== undefined && !(Number.isSafeInteger(r.denials_omitted) && r.denials_omitted > 0)) bad("denials_omitted", "a positive integer");
}
