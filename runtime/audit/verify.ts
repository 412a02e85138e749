// `moltbot audit verify`: walks the whole chain and names the first bad line. Nothing is
// skipped or repaired; a torn last line is reported like any other break.
import { closeSync, existsSync, fstatSync, openSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { linkProblem, parseEntry } from "./entry-check.ts";
import { GENESIS_HASH } from "./entry-hash.ts";
import { type AuditHead, HeadStore } from "./head-store.ts";
import { forEachLine, MAX_LINE_BYTES } from "./line-reader.ts";
import { auditPathFailure, failAuditPath } from "./path-error.ts";
import { MAX_ENTRY_BYTES } from "./truncate.ts";

export type VerifyResult =
  | { ok: true; entries: number; warnings?: string[] }
  | { ok: false; line: number; reason: string };

export function verifyAudit(path: string, opts: { stateDb: string }): VerifyResult {
  const abs = resolve(path);
  // Before the first run there is no home folder: nothing to check, and nothing is created.
  if (!existsSync(dirname(resolve(opts.stateDb)))) return existsSync(abs) ? verifyWith(abs, null) : { ok: true, entries: 0 };
  const heads = new HeadStore(opts.stateDb);
  try {
    return verifyWith(abs, heads);
  } finally {
    heads.close();
  }
}

function verifyWith(abs: string, heads: HeadStore | null): VerifyResult {
  if (!existsSync(abs)) {
    const head = heads?.get(join(realDir(abs), basename(abs)));
    if (head && head.seq > 0) {
      return { ok: false, line: 1, reason: `the log file is missing but state.db records ${head.seq} entries` };
    }
    return { ok: true, entries: 0 };
  }
  let fd: number;
  try {
    fd = openSync(abs, "r");
  } catch (err) {
    auditPathFailure(err, abs);
  }
  try {
    if (fstatSync(fd).isDirectory()) failAuditPath(abs, "is a folder, not a file");
    // Under the append lock, so an append in flight is never mistaken for a torn line.
    return heads ? heads.locked(() => scan(fd, heads.get(realpathSync(abs)))) : scan(fd, null);
  } finally {
    closeSync(fd);
  }
}

function scan(fd: number, head: AuditHead | null): VerifyResult {
  const size = fstatSync(fd).size;
  let prev = { seq: 0, hash: GENESIS_HASH };
  let lineNo = 0;
  let failure: VerifyResult | null = null;
  forEachLine(fd, 0, size, (line) => {
    lineNo++;
    const bad = (reason: string) => {
      failure = { ok: false, line: lineNo, reason };
      return false;
    };
    if (!line.complete) return bad("incomplete last line: the file does not end with a newline (a write was cut off, e.g. by a crash)");
    if (line.oversized) return bad(`a line of more than ${MAX_LINE_BYTES} bytes, which no entry is (at most ${MAX_ENTRY_BYTES}): foreign data or an edit`);
    const parsed = parseEntry(line.text);
    if (!parsed.ok) {
      if (line.end === size && parsed.reason === "not valid JSON") return bad("incomplete last line: not valid JSON (a write was cut off, e.g. by a crash)");
      return bad(parsed.reason === "not valid JSON" ? "not valid JSON (a torn write from a crash, or an edit)" : parsed.reason);
    }
    const problem = linkProblem(parsed.entry, prev);
    if (problem) return bad(problem);
    if (head && parsed.entry.seq === head.seq && parsed.entry.hash !== head.hash) {
      return bad(`entry seq ${head.seq} is not the one state.db recorded: the log was rewritten`);
    }
    prev = parsed.entry;
  });
  if (failure) return failure;
  if (head && head.seq > prev.seq) {
    const cut = head.seq - prev.seq;
    return {
      ok: false,
      line: lineNo + 1,
      reason: `the log ends at seq ${prev.seq} but state.db records seq ${head.seq}: ${cut} entr${cut === 1 ? "y was" : "ies were"} cut off the end`,
    };
  }
  const warnings: string[] = [];
  if (!head && lineNo > 0) {
    warnings.push("state.db has no head for this log (deleted or a different state.db): lines cut off the end cannot be detected; the next append records a head");
  } else if (head && head.seq < prev.seq) {
    warnings.push(`entries after seq ${head.seq} are not recorded in state.db (a crash just after writing, or a writer using another state.db); the next append records them`);
  }
  return warnings.length > 0 ? { ok: true, entries: lineNo, warnings } : { ok: true, entries: lineNo };
}

// The head is keyed by real path; for a missing file, resolve what still exists.
function realDir(abs: string): string {
  try {
    return realpathSync(dirname(abs));
  } catch {
    return dirname(abs);
  }
}
