// Runs one program in its own process group with bounded output and a hard time limit. Of each
// output stream the start and the end are kept (errors are usually at the end) and the whole is
// counted. When the limit passes, or when the program exits, the whole group is killed, so
// background children (`sh -c "sleep 100 &"`) never outlive the call.
import { constants } from "node:os";
import { HostError } from "./types.ts";

/** Bytes kept from the start and from the end of each stream; the middle of a longer one is
 *  dropped as it arrives (still counted), so memory stays bounded whatever the program writes. */
export const HEAD_BYTES = 512 * 1024;
export const TAIL_BYTES = 512 * 1024;
const PIPE_GRACE_MS = 250;

export interface RunSpec {
  path: string;
  argv0: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: Uint8Array;
  timeoutMs: number;
}

/** One output stream: all of it, or its real start and real end, with totals of the whole. */
export interface Captured {
  /** The whole stream when `cut` is false, else its first (up to) HEAD_BYTES, decoded. */
  head: string;
  /** When `cut`: the last (up to) TAIL_BYTES, decoded; else "". */
  tail: string;
  cut: boolean;
  /** The whole stream: UTF-16 characters as decoded (exact for valid UTF-8), lines, bytes. */
  chars: number;
  lines: number;
  bytes: number;
}

export interface RunResult {
  code: number;
  stdout: Captured;
  stderr: Captured;
}

/** Keeps the first HEAD_BYTES in place and the last TAIL_BYTES in a ring; counts everything. */
export class HeadTailSink {
  private headChunks: Buffer[] = [];
  private headSize = 0;
  private ring: Buffer | undefined;
  private ringPos = 0;
  private ringLen = 0;
  private bytes = 0;
  private continuation = 0; // UTF-8 bytes 10xxxxxx: part of the character before them
  private astral = 0; // 4-byte sequences: two UTF-16 units once decoded
  private newlines = 0;
  private last = -1;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.count(chunk);
    let rest = chunk;
    if (this.headSize < HEAD_BYTES) {
      const take = Math.min(HEAD_BYTES - this.headSize, rest.length);
      // Node hands each read its own buffer, so a view of it can be kept as it is.
      this.headChunks.push(rest.subarray(0, take));
      this.headSize += take;
      rest = rest.subarray(take);
      if (rest.length === 0) return;
    }
    const ring = (this.ring ??= Buffer.allocUnsafe(TAIL_BYTES));
    if (rest.length >= TAIL_BYTES) {
      rest.copy(ring, 0, rest.length - TAIL_BYTES);
      this.ringPos = 0;
      this.ringLen = TAIL_BYTES;
      return;
    }
    const first = Math.min(rest.length, TAIL_BYTES - this.ringPos);
    rest.copy(ring, this.ringPos, 0, first);
    if (first < rest.length) rest.copy(ring, 0, first);
    this.ringPos = (this.ringPos + rest.length) % TAIL_BYTES;
    this.ringLen = Math.min(TAIL_BYTES, this.ringLen + rest.length);
  }

  private count(b: Buffer): void {
    this.bytes += b.length;
    let cont = 0;
    let astral = 0;
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      if (x >= 0x80) {
        if (x < 0xc0) cont++;
        else if (x >= 0xf0) astral++;
      }
    }
    this.continuation += cont;
    this.astral += astral;
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) this.newlines++;
    this.last = b[b.length - 1]!;
  }

  result(): Captured {
    const lines = this.newlines + (this.bytes > 0 && this.last !== 10 ? 1 : 0);
    const chars = this.bytes - this.continuation + this.astral;
    const head = Buffer.concat(this.headChunks);
    const tail = this.ringBytes();
    const cut = this.bytes > head.length + tail.length;
    if (!cut) return { head: Buffer.concat([head, tail]).toString("utf8"), tail: "", cut, chars, lines, bytes: this.bytes };
    // Each part ends and starts on whole characters; a character split by the cut is dropped.
    return { head: head.subarray(0, wholeEnd(head)).toString("utf8"), tail: tail.subarray(wholeStart(tail)).toString("utf8"), cut, chars, lines, bytes: this.bytes };
  }

  private ringBytes(): Buffer {
    if (!this.ring) return Buffer.alloc(0);
    if (this.ringLen < TAIL_BYTES) return this.ring.subarray(0, this.ringLen);
    return Buffer.concat([this.ring.subarray(this.ringPos), this.ring.subarray(0, this.ringPos)]);
  }
}

/** Where `b` stops holding whole UTF-8 characters: before a last sequence that is incomplete. */
function wholeEnd(b: Buffer): number {
  for (let i = b.length - 1, seen = 1; i >= 0 && seen <= 4; i--, seen++) {
    const x = b[i]!;
    if (x < 0x80) return b.length;
    if (x >= 0xc0) return seen >= (x >= 0xf0 ? 4 : x >= 0xe0 ? 3 : 2) ? b.length : i;
  }
  return b.length;
}

/** Where `b`'s first whole UTF-8 character starts: past leading continuation bytes. */
function wholeStart(b: Buffer): number {
  let i = 0;
  while (i < b.length && i < 3 && (b[i]! & 0xc0) === 0x80) i++;
  return i;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
}

export async function runProcess(spec: RunSpec): Promise<RunResult> {
  // Loaded on first use, as imapflow (mail-imap.ts): most calls run no command, and every new
  // worker paid ~2.5 ms for node:child_process.
  const { spawn } = await import("node:child_process");
  return new Promise<RunResult>((resolve, reject) => {
    let child;
    try {
      child = spawn(spec.path, spec.args, {
        argv0: spec.argv0,
        cwd: spec.cwd,
        env: spec.env,
        detached: true, // new session and process group: the group id is the child's pid
        stdio: ["pipe", "pipe", "pipe"],
        shell: false,
      });
    } catch (err) {
      reject(new HostError(`could not start ${spec.argv0}: ${(err as Error).message}`, "host_error"));
      return;
    }
    const pid = child.pid;
    const out = new HeadTailSink();
    const err = new HeadTailSink();
    let timedOut = false;
    let settled = false;
    // A process that escaped the group (setsid) may hold our pipes open; stop waiting for it.
    let grace: ReturnType<typeof setTimeout> | undefined;
    const closePipesSoon = () => {
      grace ??= setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, PIPE_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(pid);
      closePipesSoon();
    }, Math.max(0, spec.timeoutMs));

    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.stdin.on("error", () => {}); // EPIPE when the program does not read its input
    child.stdin.end(spec.stdin ?? undefined);

    // The leader exited: its leftovers go too, which also lets the pipes close.
    child.on("exit", () => {
      killGroup(pid);
      closePipesSoon();
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup(pid);
      reject(new HostError(`could not start ${spec.argv0}: ${e.code ?? e.message}`, "host_error"));
    });
    child.on("close", (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      if (timedOut) {
        reject(new HostError(`${spec.argv0} did not finish within ${spec.timeoutMs} ms and was killed`, "timeout"));
        return;
      }
      // A signal death is reported the way shells do: 128 + signal number.
      const sigNum = signal ? (constants.signals as Record<string, number>)[signal] ?? 0 : 0;
      resolve({ code: code ?? 128 + sigNum, stdout: out.result(), stderr: err.result() });
    });
  });
}
