// Reads JSON Lines from an fd in bounded chunks, so verify and tail work on logs of any size.
// Work and memory stay linear however the file is made: a line longer than any entry can be
// (foreign bytes, a file with no newline) is kept only up to MAX_LINE_BYTES and flagged.
import { readSync } from "node:fs";
import { MAX_ENTRY_BYTES } from "./truncate.ts";

const CHUNK = 1 << 20;
const NL = 0x0a;
/** Longest line kept whole: four times what an entry may take. */
export const MAX_LINE_BYTES = 4 * MAX_ENTRY_BYTES;

export interface Line {
  text: string;
  /** Byte offset just past this line's newline (or the end of the file if it has none). */
  end: number;
  /** False for a final line with no newline: a torn write. */
  complete: boolean;
  /** Longer than MAX_LINE_BYTES: `text` holds only its start, and it is no entry. */
  oversized?: boolean;
}

/** Collects one line's bytes across chunks, keeping at most MAX_LINE_BYTES of them. */
class LineBytes {
  #parts: Buffer[] = [];
  #kept = 0;
  oversized = false;

  add(bytes: Buffer): void {
    const room = MAX_LINE_BYTES - this.#kept;
    if (bytes.length > room) this.oversized = true;
    const part = bytes.length > room ? bytes.subarray(0, room) : bytes;
    if (part.length === 0) return;
    this.#parts.push(Buffer.from(part)); // a copy: the chunk it came from is not kept alive
    this.#kept += part.length;
  }

  get empty(): boolean {
    return this.#kept === 0 && !this.oversized;
  }

  /** The line so far, and a fresh start for the next one. */
  take(end: number, complete: boolean): Line {
    const text = (this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts)).toString("utf8");
    const line: Line = { text, end, complete, ...(this.oversized ? { oversized: true } : {}) };
    this.#parts = [];
    this.#kept = 0;
    this.oversized = false;
    return line;
  }
}

/** Calls `onLine` for each line in bytes [start, end), in order; stops early if it returns false. */
export function forEachLine(fd: number, start: number, end: number, onLine: (line: Line) => boolean | void): void {
  const pending = new LineBytes();
  let pos = start;
  while (pos < end) {
    const buf = Buffer.alloc(Math.min(CHUNK, end - pos));
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break; // the file shrank under us; what was read is all there is
    const data = buf.subarray(0, n);
    let from = 0;
    for (let nl = data.indexOf(NL); nl !== -1; nl = data.indexOf(NL, from)) {
      pending.add(data.subarray(from, nl));
      if (onLine(pending.take(pos + nl + 1, true)) === false) return;
      from = nl + 1;
    }
    pending.add(data.subarray(from));
    pos += n;
  }
  if (!pending.empty) onLine(pending.take(pos, false));
}

/** The last `n` complete lines before `size` (oldest first), and the torn tail if any. */
export function readLastLines(fd: number, size: number, n: number): { lines: Line[]; torn: Line | null } {
  // Complete lines end at the last newline; what follows is a torn write, however long.
  const end = lastNewline(fd, size) + 1;
  let torn: Line | null = null;
  if (end < size) {
    const len = Math.min(size - end, MAX_LINE_BYTES);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, end);
    torn = { text: buf.toString("utf8"), end: size, complete: false, ...(size - end > MAX_LINE_BYTES ? { oversized: true } : {}) };
  }
  // Read back until n+1 newlines (n whole lines), the file start, or as far as n+1 lines of
  // MAX_LINE_BYTES reach: then one of them is longer, and no entry.
  let start = end;
  const chunks: Buffer[] = [];
  let newlines = 0;
  const farthest = Math.max(0, end - (n + 1) * MAX_LINE_BYTES - CHUNK);
  while (start > farthest && newlines <= n) {
    const len = Math.min(CHUNK, start - farthest);
    const data = Buffer.alloc(len);
    readSync(fd, data, 0, len, start - len);
    start -= len;
    for (let i = data.indexOf(NL); i !== -1; i = data.indexOf(NL, i + 1)) newlines++;
    chunks.push(data);
  }
  const all: Line[] = [];
  forEachBuffered(Buffer.concat(chunks.reverse()), start, (l) => all.push(l));
  // The first line is a fragment when the read stopped short of the file start: dropped,
  // unless it alone is longer than a line may be (then it stands for that oversized line).
  const whole = start > 0 && all.length > 0 && !all[0]!.oversized ? all.slice(1) : all;
  return { lines: whole.slice(-n), torn };
}

/** Offset of the last newline before `size`, or -1: read backwards, keeping nothing. */
function lastNewline(fd: number, size: number): number {
  const buf = Buffer.alloc(Math.min(CHUNK, size));
  for (let pos = size; pos > 0; ) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    const got = readSync(fd, buf, 0, len, pos);
    const at = buf.subarray(0, got).lastIndexOf(NL);
    if (at !== -1) return pos + at;
  }
  return -1;
}

function forEachBuffered(buf: Buffer, base: number, onLine: (l: Line) => void): void {
  const line = (from: number, to: number, complete: boolean): Line => {
    const oversized = to - from > MAX_LINE_BYTES;
    const text = buf.toString("utf8", from, oversized ? from + MAX_LINE_BYTES : to);
    return { text, end: base + (complete ? to + 1 : to), complete, ...(oversized ? { oversized: true } : {}) };
  };
  let from = 0;
  for (let nl = buf.indexOf(NL); nl !== -1; nl = buf.indexOf(NL, from)) {
    onLine(line(from, nl, true));
    from = nl + 1;
  }
  if (from < buf.length) onLine(line(from, buf.length, false));
}
