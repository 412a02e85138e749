// `moltbot audit tail`: the newest entries, read from the end of the file. Display only: it
// does not check the chain (that is verify's job) and skips lines that are not entries.
import { closeSync, fstatSync, openSync } from "node:fs";
import type { AuditEntry } from "../contracts/audit.ts";
import { readLastLines } from "./line-reader.ts";
import { auditPathFailure, failAuditPath } from "./path-error.ts";

export function tailAudit(path: string, n: number): AuditEntry[] {
  if (!(n > 0)) return [];
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    auditPathFailure(err, path);
  }
  try {
    if (fstatSync(fd).isDirectory()) failAuditPath(path, "is a folder, not a file");
    const { lines } = readLastLines(fd, fstatSync(fd).size, Math.floor(n));
    const out: AuditEntry[] = [];
    for (const line of lines) {
      try {
        const v = JSON.parse(line.text) as unknown;
        if (typeof v === "object" && v !== null && "seq" in v) out.push(v as AuditEntry);
      } catch {
        // not an entry; verify reports it
      }
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** One human line: time, seq, tool, result, decision, approved, duration. */
export function formatAuditEntry(e: AuditEntry): string {
  const approved = e.user_approved === true ? "yes" : e.user_approved === false ? "no" : "-";
  const result = e.error_code ? `${e.result} (${e.error_code})` : String(e.result);
  const ms = typeof e.duration_ms === "number" ? `${Math.round(e.duration_ms)}ms` : "?ms";
  return `${e.timestamp}  #${e.seq}  ${e.tool}  ${result}  decision=${e.decision}  approved=${approved}  ${ms}`;
}
