// Runs one program in its own process group with capped output and a hard time limit. When the
// limit passes, or when the program exits, the whole group is killed, so background children
// (`sh -c "sleep 100 &"`) never outlive the call.
import { constants } from "node:os";
import { HostError } from "./types.ts";

export const MAX_STREAM_BYTES = 1024 * 1024;
const PIPE_GRACE_MS = 250;
export const TRUNCATED_MARKER = "\n[output truncated: more than 1 MiB]";

export interface RunSpec {
  path: string;
  argv0: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: Uint8Array;
  timeoutMs: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

class CappedSink {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  push(chunk: Buffer): void {
    const room = MAX_STREAM_BYTES - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    // Past the cap the pipe is still drained (and discarded) so the child never blocks on it.
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }
  text(): string {
    const s = Buffer.concat(this.chunks).toString("utf8");
    return this.truncated ? s + TRUNCATED_MARKER : s;
  }
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
    const out = new CappedSink();
    const err = new CappedSink();
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
      resolve({ code: code ?? 128 + sigNum, stdout: out.text(), stderr: err.text() });
    });
  });
}
