// Crash safety and serialisation: a writer killed with -9 leaves the old or the new file, never
// half of one; concurrent appends from async tasks and from two processes lose nothing.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore } from "./store.ts";
import { lockPathOf, withFileLock } from "./file-lock.ts";
import { updateFile } from "./atomic-file.ts";
import { bigNote } from "./test-fixtures/writer.ts";

const WRITER = join(import.meta.dir, "test-fixtures/writer.ts");
const dirs: string[] = [];
const tempRoot = () => {
  const d = mkdtempSync(join(tmpdir(), "moltbot-mem-"));
  dirs.push(d);
  return d;
};
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Starts the writer and resolves once it has reported `writes` completed writes. */
async function spawnWriter(args: string[], writes: number) {
  const proc = Bun.spawn(["bun", WRITER, ...args], { stdout: "pipe", stderr: "inherit", stdin: "ignore" });
  const reader = proc.stdout.getReader();
  let seen = 0;
  let buf = "";
  while (seen < writes) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += new TextDecoder().decode(value);
    seen = buf.split("\n").length - 1;
  }
  reader.releaseLock();
  return proc;
}

describe("kill -9 mid-write", () => {
  test("a rewritten note is always a whole old or new version; leftovers are cleaned up", async () => {
    const root = tempRoot();
    for (const wait of [3, 6, 9]) {
      const proc = await spawnWriter(["overwrite", root], wait);
      proc.kill("SIGKILL");
      await proc.exited;
      const text = readFileSync(join(root, "notes/big.md"), "utf8");
      const i = Number(/^# v(\d+)\n/.exec(text)?.[1]);
      expect(text).toBe(bigNote(i));
      expect(i).toBeGreaterThanOrEqual(wait - 1);
    }
    // A fresh store removes temp files of dead writers and is not blocked by a dead writer's lock.
    const store = new MemoryStore(root);
    expect(readdirSync(join(root, "notes")).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    await store.writeNote("big", "after the crash");
    expect(readFileSync(join(root, "notes/big.md"), "utf8")).toBe("after the crash\n");
    expect(existsSync(lockPathOf(join(root, "notes/big.md")))).toBe(false);
    store.close();
  }, 30_000);

  test("an appended transcript holds every completed entry, in order, none torn", async () => {
    const root = tempRoot();
    const proc = await spawnWriter(["append", root, "k", "0"], 25);
    proc.kill("SIGKILL");
    await proc.exited;
    const store = new MemoryStore(root);
    const texts = (await store.readTranscript("s")).map((e) => e.text);
    expect(texts.length).toBeGreaterThanOrEqual(25);
    expect(texts).toEqual(texts.map((_, i) => `k-${i}`));
    await store.appendTranscript("s", { role: "assistant", text: "resumed" });
    expect((await store.readTranscript("s", { last: 1 }))[0]!.text).toBe("resumed");
    store.close();
  }, 30_000);
});

describe("serialised appends", () => {
  test("50 concurrent async appends to one transcript, daily note and profile all land", async () => {
    const root = tempRoot();
    const store = new MemoryStore(root);
    const day = new Date(2026, 0, 28, 9, 0);
    await Promise.all(Array.from({ length: 50 }, (_, i) => Promise.all([
      store.appendTranscript("chat", { role: "user", text: `m${i}` }),
      store.appendDaily(`note ${i}`, day),
      store.addFact("u", `fact ${i}`),
    ])));
    expect((await store.readTranscript("chat")).map((e) => e.text).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`).sort());
    expect(readFileSync(join(root, "daily/2026-01-28.md"), "utf8").match(/^- 09:00 note \d+$/gm)).toHaveLength(50);
    expect((await store.readProfile("u"))!.match(/^- fact \d+$/gm)).toHaveLength(50);
    store.close();
  });

  test("two processes appending to the same transcript lose nothing", async () => {
    const root = tempRoot();
    const run = (tag: string) => Bun.spawn(["bun", WRITER, "append", root, tag, "40"], { stdout: "ignore", stderr: "inherit" }).exited;
    expect(await Promise.all([run("a"), run("b")])).toEqual([0, 0]);
    const store = new MemoryStore(root);
    const entries = await store.readTranscript("s");
    expect(entries).toHaveLength(80);
    // Each writer's entries are all there, in the order it wrote them.
    for (const t of ["a", "b"]) expect(entries.filter((e) => e.user === t).map((e) => e.text)).toEqual(Array.from({ length: 40 }, (_, i) => `${t}-${i}`));
    store.close();
  }, 30_000);
});

describe("locks", () => {
  test("a lock held by a dead process is broken; one held by a live one is waited for", async () => {
    const dir = tempRoot();
    const file = join(dir, "f.md");
    writeFileSync(lockPathOf(file), "999999999 0 dead");
    await updateFile(file, () => "one\n");
    expect(readFileSync(file, "utf8")).toBe("one\n");

    const order: string[] = [];
    const slow = withFileLock(file, async () => { order.push("first:start"); await Bun.sleep(20); order.push("first:end"); });
    const fast = withFileLock(file, async () => { order.push("second"); });
    await Promise.all([slow, fast]);
    expect(order).toEqual(["first:start", "first:end", "second"]);
  });

  test("a live foreign lock that is never released times out with a clear error", async () => {
    const dir = tempRoot();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "g.md");
    writeFileSync(lockPathOf(file), `${process.ppid} ${Date.now()} parent`);
    const err = await withFileLock(file, async () => 1, 100).catch((e) => e);
    expect(err.error).toMatchObject({ code: "timeout" });
    expect(err.error.message).toContain("g.md");
    expect(err.error.hint).toContain(".g.md.lock");
  });
});
