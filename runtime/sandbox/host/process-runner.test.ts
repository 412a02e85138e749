import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_STREAM_BYTES, TRUNCATED_MARKER, runProcess } from "./process-runner.ts";

const base = { argv0: "sh", cwd: "/", env: { PATH: "/usr/bin:/bin" }, timeoutMs: 5_000 };

function isGone(pid: number): boolean {
  try {
    // A killed orphan may linger as a zombie until its new parent reaps it: dead all the same.
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") ?? true;
  } catch {
    return true;
  }
}

describe("runProcess", () => {
  test("returns exit code, stdout and stderr; a non-zero exit is a result", async () => {
    const r = await runProcess({ ...base, path: "/bin/sh", args: ["-c", "echo out; echo err >&2; exit 3"] });
    expect(r).toEqual({ code: 3, stdout: "out\n", stderr: "err\n" });
  });

  test("passes stdin and exactly the given environment", async () => {
    const r = await runProcess({ ...base, path: "/bin/sh", args: ["-c", "cat; env | sort"], env: { PATH: "/bin", ONLY: "1" }, stdin: new TextEncoder().encode("in|") });
    expect(r.stdout).toContain("in|");
    expect(r.stdout).toContain("ONLY=1");
    expect(r.stdout).not.toContain("HOME=");
  });

  test("caps each stream at 1 MiB with a marker and still finishes", async () => {
    const r = await runProcess({ ...base, path: "/bin/sh", args: ["-c", "head -c 3000000 /dev/zero | tr '\\0' a"] });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(MAX_STREAM_BYTES + TRUNCATED_MARKER.length);
    expect(r.stdout.endsWith(TRUNCATED_MARKER)).toBe(true);
  });

  test("a timeout kills the whole process group, background children included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "molt-proc-"));
    const pids = join(dir, "pids");
    try {
      const started = runProcess({ ...base, path: "/bin/sh", args: ["-c", `sleep 100 & echo $! > ${pids}; echo $$ >> ${pids}; sleep 100`], timeoutMs: 500 });
      await expect(started).rejects.toMatchObject({ code: "timeout" });
      const list = readFileSync(pids, "utf8").trim().split("\n").map(Number);
      expect(list.length).toBe(2);
      await Bun.sleep(50);
      for (const pid of list) expect(isGone(pid)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("leftover background children are killed when the program exits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "molt-proc-"));
    const pids = join(dir, "pids");
    try {
      const r = await runProcess({ ...base, path: "/bin/sh", args: ["-c", `sleep 100 > /dev/null 2>&1 & echo $! > ${pids}; echo done`] });
      expect(r).toMatchObject({ code: 0, stdout: "done\n" });
      await Bun.sleep(50);
      expect(isGone(Number(readFileSync(pids, "utf8").trim()))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
