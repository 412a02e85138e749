// Starting and stopping a throwaway server process for an end-to-end test: a free port on
// 127.0.0.1, a wait until it answers, and a stop that kills the whole process group (dovecot
// forks its own children) and waits for the exit.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";

export interface RunningProcess {
  child: ChildProcess;
  /** Everything the process wrote, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/** A port the kernel just handed out on 127.0.0.1 (closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export function startProcess(cmd: string, args: string[], env: Record<string, string> = {}): RunningProcess {
  // detached: its own process group, so stop() reaches every child it forks.
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let out = "";
  const keep = (b: Buffer) => {
    if (out.length < 64_000) out += b.toString();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
        const killed = await Promise.race([exited.then(() => true), Bun.sleep(3000).then(() => false)]);
        if (!killed) {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            // already gone
          }
          await exited;
        }
      }
    },
  };
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port; rejects if the process dies first. */
/** Like waitForPort, but a server that never listens also takes its temp folder with it. */
export async function listening(port: number, proc: RunningProcess, dir: string): Promise<void> {
  try {
    await waitForPort(port, proc);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export async function waitForPort(port: number, proc: RunningProcess, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null) throw new Error(`server exited (${proc.child.exitCode}) before listening on ${port}:\n${proc.output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await Bun.sleep(50);
  }
  await proc.stop();
  throw new Error(`server did not listen on ${port} within ${timeoutMs} ms:\n${proc.output()}`);
}

/** The system Python, which has the Debian packages (a pyenv shim earlier on PATH may not). */
export const PYTHON = ["/usr/bin/python3", "/usr/local/bin/python3"].find((p) => existsSync(p)) ?? "python3";
