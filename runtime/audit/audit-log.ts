// Appends entries to the hash-chained log (DESIGN §6). Every append runs under the state.db
// write lock: read the head, build the entry, one write(2), fsync, store the new head, commit.
import type { AuditEntry, AuditRecord } from "../contracts/audit.ts";
import { fail, MoltFailure } from "../contracts/errors.ts";
import { linkProblem, parseEntry } from "./entry-check.ts";
import { entryHash, GENESIS_HASH } from "./entry-hash.ts";
import { type AuditHead, HeadStore } from "./head-store.ts";
import { forEachLine, readLastLines } from "./line-reader.ts";
import { LogFile } from "./log-file.ts";
import { prepareRecord } from "./prepare-record.ts";

export interface AuditLogOptions {
  /** bun:sqlite state database holding the `audit_head` table (created if missing). */
  stateDb: string;
  /** fsync every line before append returns (default true; benchmarks turn it off). */
  fsync?: boolean;
  /** Known secret values (e.g. from config); redacted wherever they appear. */
  secrets?: string[];
}

export class AuditLog {
  readonly #file: LogFile;
  readonly #heads: HeadStore;
  readonly #fsync: boolean;
  readonly #secrets: readonly string[];
  #closed = false;

  private constructor(file: LogFile, heads: HeadStore, opts: AuditLogOptions) {
    this.#file = file;
    this.#heads = heads;
    this.#fsync = opts.fsync ?? true;
    this.#secrets = opts.secrets ?? [];
  }

  static open(path: string, opts: AuditLogOptions): AuditLog {
    const file = LogFile.open(path);
    try {
      return new AuditLog(file, new HeadStore(opts.stateDb), opts);
    } catch (err) {
      file.close();
      throw err;
    }
  }

  /** The log's absolute real path. */
  get path(): string {
    return this.#file.realPath;
  }

  /** Writes one entry and returns it once it is on disk (fsynced unless `fsync: false`). */
  append(record: AuditRecord): AuditEntry {
    if (this.#closed) fail("internal", `audit log ${this.path} is closed`);
    const content = prepareRecord(record, this.#secrets);
    try {
      return this.#heads.locked(() => this.#appendLocked(content));
    } catch (err) {
      if (err instanceof MoltFailure) throw err;
      fail("internal", `audit log ${this.path}: could not append (${(err as Error).message})`, "run `moltbot audit verify`");
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#file.close();
    this.#heads.close();
  }

  #appendLocked(content: AuditRecord): AuditEntry {
    const file = this.#file;
    const size = file.refresh();
    let head = this.#heads.get(file.realPath) ?? this.#recoverHead(size);
    if (size > head.size) head = this.#adoptTrailing(head, size);
    // A torn last line (crash mid-write) or foreign bytes stay where they are, as evidence for
    // verify; our line starts on a fresh line and chains from the last good entry.
    const prefix = file.endsWithNewline(size) ? "" : "\n";
    const body = { v: 1 as const, seq: head.seq + 1, timestamp: new Date().toISOString(), ...content, prev_hash: head.hash };
    const entry: AuditEntry = { ...body, hash: entryHash(body) };
    const written = file.write(`${prefix}${JSON.stringify(entry)}\n`);
    if (this.#fsync) file.sync();
    this.#heads.set(file.realPath, { seq: entry.seq, hash: entry.hash, size: size + written });
    return entry;
  }

  // state.db has no head for this log (new log, or state.db deleted): continue after the last
  // complete line. verify warns that truncation could not be checked for the older part.
  #recoverHead(size: number): AuditHead {
    const { lines } = readLastLines(this.#file.fd, size, 1);
    const last = lines[0];
    if (!last) return { seq: 0, hash: GENESIS_HASH, size: 0 };
    const parsed = parseEntry(last.text);
    if (!parsed.ok) {
      fail(
        "internal",
        `audit log ${this.path}: cannot continue the chain, state.db has no head and the last line is invalid (${parsed.reason})`,
        "run `moltbot audit verify`, then move the log aside to start a new one",
      );
    }
    return { seq: parsed.entry.seq, hash: parsed.entry.hash, size: last.end };
  }

  // Bytes past the recorded head: a crash between fsync and commit leaves complete lines that
  // chain from the head. Adopt those; anything else is left for verify to report.
  #adoptTrailing(head: AuditHead, size: number): AuditHead {
    let current = head;
    forEachLine(this.#file.fd, head.size, size, (line) => {
      if (!line.complete) return false;
      const parsed = parseEntry(line.text);
      if (!parsed.ok || linkProblem(parsed.entry, current) !== null) return false;
      current = { seq: parsed.entry.seq, hash: parsed.entry.hash, size: line.end };
    });
    return current;
  }
}
