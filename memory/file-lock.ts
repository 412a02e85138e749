// One writer per file at a time, within this process (a promise queue per path) and across
// processes (an O_EXCL lock file beside it holding the owner's pid). A writer killed with -9
// leaves its lock behind; the next writer sees that pid is gone and breaks the lock.
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fail } from "../runtime/contracts/errors.ts";

const queues = new Map<string, Promise<unknown>>();

/** Runs fn while holding path's lock; calls for the same path run one after another. */
export function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const prev = queues.get(path) ?? Promise.resolve();
  const run = prev.catch(() => {}).then(async () => {
    const release = await acquire(lockPathOf(path), timeoutMs);
    try {
      return await fn();
    } finally {
      release();
    }
  });
  const tail = run.catch(() => {});
  queues.set(path, tail);
  void tail.then(() => { if (queues.get(path) === tail) queues.delete(path); });
  return run;
}

export const lockPathOf = (path: string) => join(dirname(path), `.${basename(path)}.lock`);

// Even a live holder is presumed dead after this long: our critical sections take milliseconds,
// and a pid can be reused by an unrelated process.
const STALE_MS = 60_000;

async function acquire(lock: string, timeoutMs: number): Promise<() => void> {
  const token = `${process.pid} ${Date.now()} ${Math.random().toString(36).slice(2)}`;
  const deadline = Date.now() + timeoutMs;
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  for (let wait = 1; ; wait = Math.min(wait * 2, 25)) {
    try {
      const fd = openSync(lock, "wx", 0o600);
      try { writeSync(fd, token); } finally { closeSync(fd); }
      return () => release(lock, token);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    breakIfStale(lock);
    if (Date.now() > deadline) fail("timeout", `memory: ${basename(lock).slice(1, -5)} is locked by another process`, `if no other moltbot is running, delete ${lock}`);
    await Bun.sleep(wait);
  }
}

function release(lock: string, token: string): void {
  // Only remove the lock if it is still ours (it may have been broken as stale meanwhile).
  try {
    if (readFileSync(lock, "utf8") === token) unlinkSync(lock);
  } catch { /* already gone */ }
}

function breakIfStale(lock: string): void {
  let content: string;
  let age: number;
  try {
    content = readFileSync(lock, "utf8");
    age = Date.now() - statSync(lock).mtimeMs;
  } catch {
    return; // released meanwhile
  }
  const pid = Number(content.split(" ")[0]);
  // An empty file is a holder killed between create and write.
  const dead = content === "" ? age > 1000 : !Number.isInteger(pid) || !pidAlive(pid);
  if (!dead && age < STALE_MS) return;
  // Rename first: only one breaker wins, and it can check it took the lock it judged stale.
  const aside = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try { renameSync(lock, aside); } catch { return; }
  let taken = "";
  try { taken = readFileSync(aside, "utf8"); } catch { /* vanished */ }
  if (taken !== content) {
    // Someone re-took the lock between our read and rename: give it back if the slot is free.
    try { linkSync(aside, lock); } catch { /* slot taken again */ }
  }
  try { unlinkSync(aside); } catch { /* ignore */ }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
