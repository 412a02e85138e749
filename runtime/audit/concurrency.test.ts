import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { AuditLog } from "./audit-log.ts";
import { fileLines, record, tempHome } from "./test-helpers.ts";
import { verifyAudit } from "./verify.ts";

const CHILD = join(import.meta.dir, "concurrency-child.ts");

test("4 processes, 2 worker threads and the test thread append to one log: one clean chain", async () => {
  const home = tempHome();
  try {
    const procs = [0, 1, 2, 3].map((p) =>
      Bun.spawn(["bun", CHILD, home.log, home.stateDb, "200", `proc${p}`], { stdout: "pipe", stderr: "pipe" }),
    );
    const workers = [0, 1].map((w) => new Worker(CHILD, { workerData: [home.log, home.stateDb, "100", `worker${w}`] }));
    const workersDone = workers.map((w) => new Promise<void>((res, rej) => {
      w.once("message", () => res());
      w.once("error", rej);
    }));
    writeFileSync(`${home.log}.go`, "");
    const own = AuditLog.open(home.log, { stateDb: home.stateDb });
    for (let i = 0; i < 100; i++) {
      own.append(record({ parameters: { writer: "main", i } }));
      if (i % 10 === 0) await Bun.sleep(1); // let the workers' messages through
    }
    own.close();
    await Promise.all(workersDone);
    await Promise.all(workers.map((w) => w.terminate()));
    const codes = await Promise.all(procs.map((p) => p.exited));
    const errors = await Promise.all(procs.map((p) => new Response(p.stderr).text()));
    expect({ codes, errors: errors.filter((e) => e.trim() !== "") }).toEqual({ codes: [0, 0, 0, 0], errors: [] });

    const total = 4 * 200 + 2 * 100 + 100;
    const lines = fileLines(home.log);
    expect(lines).toHaveLength(total);
    // Every line is one whole entry: nothing torn or interleaved.
    const entries = lines.map((l) => JSON.parse(l) as { seq: number; parameters: { writer: string; i: number } });
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, k) => k + 1));
    // Each writer's entries are all there, in the order it wrote them.
    const byWriter = new Map<string, number[]>();
    for (const e of entries) byWriter.set(e.parameters.writer, [...(byWriter.get(e.parameters.writer) ?? []), e.parameters.i]);
    expect(byWriter.size).toBe(7);
    for (const [writer, is] of byWriter) {
      const n = writer.startsWith("proc") ? 200 : 100;
      expect(is).toEqual(Array.from({ length: n }, (_, k) => k));
    }
    expect(verifyAudit(home.log, { stateDb: home.stateDb })).toEqual({ ok: true, entries: total });
  } finally {
    home.cleanup();
  }
}, 60_000);
