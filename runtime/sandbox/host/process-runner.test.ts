import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HEAD_BYTES, HeadTailSink, TAIL_BYTES, runProcess } from "./process-runner.ts";

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
    expect(r).toEqual({
      code: 3,
      stdout: { head: "out\n", tail: "", cut: false, chars: 4, lines: 1, bytes: 4 },
      stderr: { head: "err\n", tail: "", cut: false, chars: 4, lines: 1, bytes: 4 },
    });
  });

  test("passes stdin and exactly the given environment", async () => {
    const r = await runProcess({ ...base, path: "/bin/sh", args: ["-c", "cat; env | sort"], env: { PATH: "/bin", ONLY: "1" }, stdin: new TextEncoder().encode("in|") });
    expect(r.stdout.head).toContain("in|");
    expect(r.stdout.head).toContain("ONLY=1");
    expect(r.stdout.head).not.toContain("HOME=");
  });

  test("of a long stream the real start and real end are kept, with the totals of the whole", async () => {
    const n = 400_000;
    const full = Array.from({ length: n }, (_, i) => `${i + 1}\n`).join("");
    const r = await runProcess({ ...base, path: "/bin/sh", args: ["-c", `seq 1 ${n}`] });
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual({ head: full.slice(0, HEAD_BYTES), tail: full.slice(-TAIL_BYTES), cut: true, chars: full.length, lines: n, bytes: full.length });
    expect(r.stdout.tail).toEndWith("\n399999\n400000\n");
  });

  test("stderr is kept whole beside a long stdout, its last line included", async () => {
    const r = await runProcess({ ...base, path: "/bin/sh", args: ["-c", "seq 1 400000; echo compiling >&2; echo FATAL: real error at end >&2; exit 1"] });
    expect(r.code).toBe(1);
    expect(r.stdout.cut).toBe(true);
    expect(r.stderr).toEqual({ head: "compiling\nFATAL: real error at end\n", tail: "", cut: false, chars: 35, lines: 2, bytes: 35 });
  });

  test("a stream exactly as long as what is kept is not cut; one byte more is", async () => {
    const full = Buffer.alloc(HEAD_BYTES + TAIL_BYTES, "x");
    const exact = new HeadTailSink();
    exact.push(full);
    expect(exact.result()).toMatchObject({ cut: false, chars: full.length, lines: 1, tail: "" });
    expect(exact.result().head.length).toBe(full.length);
    const over = new HeadTailSink();
    over.push(full);
    over.push(Buffer.from("\n"));
    expect(over.result()).toMatchObject({ cut: true, chars: full.length + 1, lines: 1, bytes: full.length + 1 });
    expect(over.result().tail).toBe("x".repeat(TAIL_BYTES - 1) + "\n");
  });

  test("counts characters and lines of multi-byte text; a character split by the cut is dropped", async () => {
    // 1 + 2 + 4 + 3 bytes: "😀" is two UTF-16 units, as String.length counts it.
    const unit = "aé😀€";
    const text = unit.repeat(200_000) + "\nlast line é😀";
    const bytes = Buffer.from(text);
    const sink = new HeadTailSink();
    // Uneven reads, so the ring wraps at odd places.
    for (let at = 0; at < bytes.length; at += 65_537) sink.push(bytes.subarray(at, at + 65_537));
    const r = sink.result();
    expect(r).toMatchObject({ cut: true, chars: text.length, lines: 2, bytes: bytes.length });
    expect(text.startsWith(r.head)).toBe(true);
    expect(text.endsWith(r.tail)).toBe(true);
    expect(r.tail).toEndWith("\nlast line é😀");
    expect(r.head).not.toContain("\ufffd");
    expect(r.tail).not.toContain("\ufffd");
    // At most one character (4 bytes) lost at each cut.
    expect(Buffer.byteLength(r.head)).toBeGreaterThan(HEAD_BYTES - 4);
    expect(Buffer.byteLength(r.tail)).toBeGreaterThan(TAIL_BYTES - 4);
  });

  test("a last line without a newline is counted; no output is no line", () => {
    const s = new HeadTailSink();
    s.push(Buffer.from("a\nb"));
    expect(s.result()).toEqual({ head: "a\nb", tail: "", cut: false, chars: 3, lines: 2, bytes: 3 });
    expect(new HeadTailSink().result()).toEqual({ head: "", tail: "", cut: false, chars: 0, lines: 0, bytes: 0 });
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
      expect(r).toMatchObject({ code: 0, stdout: { head: "done\n" } });
      await Bun.sleep(50);
      expect(isGone(Number(readFileSync(pids, "utf8").trim()))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
