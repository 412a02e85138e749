// Reads JSON Lines from an fd in bounded chunks, so verify and tail work on logs of any size.
import { readSync } from "node:fs";

const CHUNK = 1 << 20;
const NL = 0x0a;

export interface Line {
  text: string;
  /** Byte offset just past this line's newline (or the end of the file if it has none). */
  end: number;
  /** False for a final line with no newline: a torn write. */
  complete: boolean;
}

/** Calls `onLine` for each line in bytes [start, end), in order; stops early if it returns false. */
export function forEachLine(fd: number, start: number, end: number, onLine: (line: Line) => boolean | void): void {
  let carry: Buffer = Buffer.alloc(0);
  let carryStart = start;
  let pos = start;
  while (pos < end) {
    const buf = Buffer.alloc(Math.min(CHUNK, end - pos));
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break; // the file shrank under us; what was read is all there is
    pos += n;
    const data: Buffer = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
    let from = 0;
    for (let nl = data.indexOf(NL, from); nl !== -1; nl = data.indexOf(NL, from)) {
      const lineEnd = carryStart + nl + 1;
      if (onLine({ text: data.toString("utf8", from, nl), end: lineEnd, complete: true }) === false) return;
      from = nl + 1;
    }
    carryStart += from;
    carry = Buffer.from(data.subarray(from));
  }
  if (carry.length > 0) onLine({ text: carry.toString("utf8"), end: carryStart + carry.length, complete: false });
}

/** The last `n` complete lines before `size` (oldest first), and the torn tail if any. */
export function readLastLines(fd: number, size: number, n: number): { lines: Line[]; torn: Line | null } {
  let start = size;
  let buf: Buffer = Buffer.alloc(0);
  // Read backwards until the buffer holds n+1 newlines (n whole lines) or the file start.
  while (start > 0 && count(buf, NL) <= n) {
    const len = Math.min(CHUNK, start);
    const chunk = Buffer.alloc(len);
    const got = readSync(fd, chunk, 0, len, start - len);
    start -= len;
    buf = Buffer.concat([chunk.subarray(0, got), buf]);
  }
  const all: Line[] = [];
  forEachBuffered(buf, start, (l) => all.push(l));
  const torn = all.length > 0 && !all[all.length - 1]!.complete ? all.pop()! : null;
  // The first line may be a fragment when we did not read back to the file start.
  const whole = start > 0 ? all.slice(1) : all;
  return { lines: whole.slice(-n), torn };
}

function forEachBuffered(buf: Buffer, base: number, onLine: (l: Line) => void): void {
  let from = 0;
  for (let nl = buf.indexOf(NL); nl !== -1; nl = buf.indexOf(NL, from)) {
    onLine({ text: buf.toString("utf8", from, nl), end: base + nl + 1, complete: true });
    from = nl + 1;
  }
  if (from < buf.length) onLine({ text: buf.toString("utf8", from), end: base + buf.length, complete: false });
}

function count(buf: Buffer, byte: number): number {
  let c = 0;
  for (let i = buf.indexOf(byte); i !== -1; i = buf.indexOf(byte, i + 1)) c++;
  return c;
}
