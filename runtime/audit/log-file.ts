// The log file itself: one O_APPEND fd, mode 0600, re-opened if the path comes to name a
// different file (moved away or replaced), so appends always land in the file at `path`.
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readSync, realpathSync, statSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fail } from "../contracts/errors.ts";
import { auditPathFailure } from "./path-error.ts";

const FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT;

export class LogFile {
  /** Absolute real path: the key of this log's head in state.db. */
  readonly realPath: string;
  readonly #path: string;
  #fd: number;

  private constructor(path: string, fd: number, realPath: string) {
    this.#path = path;
    this.#fd = fd;
    this.realPath = realPath;
  }

  static open(path: string): LogFile {
    const abs = resolve(path);
    try {
      mkdirSync(dirname(abs), { recursive: true, mode: 0o700 });
      const fd = openSync(abs, FLAGS, 0o600);
      return new LogFile(abs, fd, realpathSync(abs));
    } catch (err) {
      auditPathFailure(err, abs);
    }
  }

  get fd(): number {
    return this.#fd;
  }

  /** Re-opens the file if the path names another one now; returns the open file's size. */
  refresh(): number {
    const open = fstatSync(this.#fd);
    let current: ReturnType<typeof statSync> | undefined;
    try {
      current = statSync(this.#path);
    } catch {
      current = undefined; // deleted or moved: re-create it below
    }
    if (current && current.ino === open.ino && current.dev === open.dev) return open.size;
    const fd = openSync(this.#path, FLAGS, 0o600);
    closeSync(this.#fd);
    this.#fd = fd;
    return fstatSync(fd).size;
  }

  endsWithNewline(size: number): boolean {
    if (size === 0) return true;
    const b = Buffer.alloc(1);
    readSync(this.#fd, b, 0, 1, size - 1);
    return b[0] === 0x0a;
  }

  /** One write(2) on the O_APPEND fd, so concurrent readers never see two lines interleaved. */
  write(text: string): number {
    const buf = Buffer.from(text, "utf8");
    const n = writeSync(this.#fd, buf);
    if (n !== buf.length) {
      fail("internal", `audit log ${this.#path}: short write (${n} of ${buf.length} bytes)`, "check free disk space, then run `moltbot audit verify`");
    }
    return n;
  }

  sync(): void {
    fsyncSync(this.#fd);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
