// The pool: concurrency while a worker is stuck, FIFO queueing, cancellation, replacement,
// idle retirement and close().
import { describe, expect, test } from "bun:test";
import type { SandboxOutcome } from "../contracts/sandbox.ts";
import { SandboxPool } from "./index.ts";
import { jobFor, jobOf, skillDir } from "./skill-fixture.ts";
import { POLICIES_KEPT } from "./types.ts";

const STUCK = `export default () => { while (true) {} }`;
const codeOf = (o: SandboxOutcome) => (o.result.ok ? "ok" : o.result.error.code);

describe("SandboxPool", () => {
  test("other calls are served while one worker is stuck in a loop", async () => {
    const pool = new SandboxPool({ maxWorkers: 2 });
    try {
      let stuckDone = false;
      const stuck = pool.run(jobOf(STUCK, { limits: { timeoutMs: 1200 } })).then((o) => ((stuckDone = true), o));
      const quick = [];
      for (let i = 0; i < 5; i++) quick.push(await pool.run(jobOf(`export default (p) => p.i`, { params: { i } })));
      expect(quick.map((o) => o.result)).toEqual([0, 1, 2, 3, 4].map((output) => ({ ok: true, output })));
      expect(stuckDone).toBe(false);
      expect(pool.stats.busy).toBe(1);
      expect(pool.stats.workers).toBe(2);
      expect(codeOf(await stuck)).toBe("timeout");
    } finally {
      await pool.close();
    }
  });

  test("calls queue FIFO when every worker is busy, and the queue drains", async () => {
    const pool = new SandboxPool({ maxWorkers: 1 });
    try {
      const runs = [1, 2, 3].map((n) => pool.run(jobOf(`export default async (p) => p.n`, { params: { n } })));
      expect(pool.stats.queued).toBeGreaterThanOrEqual(2);
      const order: number[] = [];
      await Promise.all(runs.map((r) => r.then((o) => o.result.ok && order.push(o.result.output as number))));
      expect(order).toEqual([1, 2, 3]);
      expect(pool.stats).toMatchObject({ workers: 1, busy: 0, queued: 0 });
    } finally {
      await pool.close();
    }
  });

  test("aborting a running call ends it as 'cancelled by the user' and replaces its worker", async () => {
    const pool = new SandboxPool({ maxWorkers: 1 });
    try {
      await pool.run(jobOf(`export default () => 1`)); // a warm worker
      const ac = new AbortController();
      const running = pool.run(jobOf(STUCK, { limits: { timeoutMs: 5000 } }), { signal: ac.signal });
      await Bun.sleep(50);
      ac.abort();
      const o = await running;
      expect(o.result).toMatchObject({ ok: false, error: { code: "skill_error", message: "cancelled by the user" } });
      expect(pool.stats.replaced).toBe(1);
      expect((await pool.run(jobOf(`export default () => "after"`))).result).toEqual({ ok: true, output: "after" });
    } finally {
      await pool.close();
    }
  });

  test("an already-aborted signal never starts the call", async () => {
    const pool = new SandboxPool({ maxWorkers: 1 });
    const o = await pool.run(jobOf(`export default () => 1`), { signal: AbortSignal.abort() });
    expect(o.result).toMatchObject({ ok: false, error: { message: "cancelled by the user" } });
    expect(pool.stats.workers).toBe(0);
    await pool.close();
  });

  test("close() ends running and queued calls with an internal error", async () => {
    const pool = new SandboxPool({ maxWorkers: 1 });
    const a = pool.run(jobOf(STUCK, { limits: { timeoutMs: 5000 } }));
    const b = pool.run(jobOf(`export default () => 1`));
    await Bun.sleep(20);
    await pool.close();
    expect([codeOf(await a), codeOf(await b)]).toEqual(["internal", "internal"]);
    expect(codeOf(await pool.run(jobOf(`export default () => 1`)))).toBe("internal");
    expect(pool.stats.workers).toBe(0);
  });

  test("a call that finds its worker still preparing starts a second one; spaced calls keep one", async () => {
    const pool = new SandboxPool({ maxWorkers: 2 });
    const single = new SandboxPool({ maxWorkers: 1 });
    try {
      const job = jobOf(`export default () => 1`);
      await pool.run(job);
      await Bun.sleep(200); // time to prepare the next contexts
      await pool.run(job);
      expect(pool.stats.workers).toBe(1);
      await pool.run(job); // at once: the worker is still preparing after the last call
      expect(pool.stats.workers).toBe(2);
      await single.run(job);
      await single.run(job);
      expect(single.stats.workers).toBe(1); // never more than maxWorkers
    } finally {
      await pool.close();
      await single.close();
    }
  });

  test("idle workers are retired; the next one starts from the QuickJS the first compiled", async () => {
    const pool = new SandboxPool({ maxWorkers: 2, idleMs: 30 });
    try {
      await pool.run(jobOf(`export default () => 1`));
      expect(pool.stats.workers).toBe(1);
      await Bun.sleep(150);
      expect(pool.stats.workers).toBe(0);
      expect((await pool.run(jobOf(`export default () => 2`))).result).toEqual({ ok: true, output: 2 });
      expect(pool.stats).toMatchObject({ workers: 1, compiles: 1 });
    } finally {
      await pool.close();
    }
  });

  test("warm() starts one worker ahead of a call, which then finds a context ready; unused, it retires", async () => {
    const pool = new SandboxPool({ maxWorkers: 2, idleMs: 5000 });
    try {
      pool.warm();
      pool.warm();
      expect(pool.stats.workers).toBe(1);
      await Bun.sleep(600); // the model thinking (a worker is ready in ~100 ms even on a slow machine)
      expect((await pool.run(jobOf(`export default () => 3`))).result).toEqual({ ok: true, output: 3 });
      expect(pool.stats).toMatchObject({ workers: 1, contexts: { cold: 0, prepared: 1 } });
      pool.warm(); // one is running: nothing more
      expect(pool.stats.workers).toBe(1);
    } finally {
      await pool.close();
    }
    const idle = new SandboxPool({ idleMs: 30 });
    try {
      idle.warm();
      await Bun.sleep(300);
      expect(idle.stats.workers).toBe(0);
    } finally {
      await idle.close();
    }
  });

  test("each call runs under its own policy, though a worker is sent each policy only once", async () => {
    const pool = new SandboxPool({ maxWorkers: 1 });
    try {
      const dir = skillDir({ "main.js": `export default () => env.get("MOLTBOT_POOL_TEST")` });
      process.env.MOLTBOT_POOL_TEST = "seen";
      const grant = (allowed: boolean, n = 0) =>
        `version: 1\ntrust: { default: allow }\n# ${n}\nskills:\n  test_skill: { ${allowed ? "allow" : "deny"}: { env: [MOLTBOT_POOL_TEST] } }\n`;
      const job = (policyYaml: string) => jobFor(dir, { policyYaml, permissions: { env: ["MOLTBOT_POOL_TEST"] } });
      const allowing = job(grant(true));
      const denying = job(grant(false));
      const outcome = async (j: ReturnType<typeof job>) => {
        const o = await pool.run(j);
        return o.result.ok ? o.result.output : o.result.error.code;
      };
      expect(await outcome(allowing)).toBe("seen");
      expect(await outcome(denying)).toBe("permission_denied");
      expect(await outcome(allowing)).toBe("seen"); // held by the worker, sent by id
      // More policies than a worker keeps: the first is evicted, then sent again when needed.
      for (let n = 1; n <= POLICIES_KEPT; n++) expect(await outcome(job(grant(false, n)))).toBe("permission_denied");
      expect(await outcome(allowing)).toBe("seen");
      expect(await outcome(denying)).toBe("permission_denied");
      // The worker's copy can never go stale: a policy the pool has seen cannot be changed.
      expect(() => { (allowing.policy.skills as Record<string, unknown>).test_skill = {}; }).toThrow();
      expect(pool.stats.replaced).toBe(0);
    } finally {
      delete process.env.MOLTBOT_POOL_TEST;
      await pool.close();
    }
  });

  test("concurrent calls under many policies on several workers each get their own decision", async () => {
    const pool = new SandboxPool({ maxWorkers: 3 });
    try {
      const dir = skillDir({ "main.js": `export default async () => { await fs.stat("/"); try { return env.get("MOLTBOT_POOL_TEST") ?? "unset"; } catch { return "denied"; } }` });
      process.env.MOLTBOT_POOL_TEST = "seen";
      const jobs = Array.from({ length: POLICIES_KEPT + 4 }, (_, n) =>
        jobFor(dir, {
          policyYaml: `version: 1\ntrust: { default: allow }\n# ${n}\nskills:\n  test_skill: ${n % 2 ? `{ allow: { read: ["/"], env: [MOLTBOT_POOL_TEST] } }` : `{ allow: { read: ["/"] }, deny: { env: [MOLTBOT_POOL_TEST] } }`}\n`,
          permissions: { env: ["MOLTBOT_POOL_TEST"], read: "all" },
        }));
      const order = Array.from({ length: 72 }, (_, i) => (i * 7) % jobs.length);
      const outputs = await Promise.all(order.map((n) => pool.run(jobs[n]!).then((o) => (o.result.ok ? o.result.output : o.result.error.code))));
      expect(outputs).toEqual(order.map((n) => (n % 2 ? "seen" : "denied")));
      expect(pool.stats.replaced).toBe(0);
    } finally {
      delete process.env.MOLTBOT_POOL_TEST;
      await pool.close();
    }
  });
});
