// `bun bench/browser.ts`: browser_control through the pool as the agent runs it. Cold = the
// first screenshot call (opens the page, so Chromium starts); warm = later screenshot calls of
// the same conversation, reusing the browser and page. Baseline: a trivial skill call, same pool.
import { join, resolve } from "node:path";
import { SandboxPool } from "../runtime/sandbox/index.ts";
import { jobFor, jobOf } from "../runtime/sandbox/skill-fixture.ts";
import { percentile, printTable, ms, type Row } from "./stats.ts";

const ROOT = resolve(import.meta.dir, "..");
const site = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: () => new Response("<title>Bench</title><h1>Benchmark page</h1><p>" + "text ".repeat(200) + "</p>", { headers: { "content-type": "text/html" } }),
});
const policyYaml = `version: 1\nprompt: false\nskills:\n  browser_control: { allow: { browser: true, net: ["127.0.0.1:${site.port}"] } }\n`;
const pool = new SandboxPool({ maxWorkers: 1 });
const job = (params: unknown, session: string) => ({
  ...jobFor(join(ROOT, "skills/builtin/browser_control"), { name: "browser_control", params, permissions: { browser: true, net: "all" as const }, policyYaml, limits: { timeoutMs: 30_000 } }),
  session,
});
const timed = async (j: Parameters<SandboxPool["run"]>[0]) => {
  const t = performance.now();
  const o = await pool.run(j);
  if (!o.result.ok) throw new Error(`${o.result.error.code}: ${o.result.error.message}`);
  return performance.now() - t;
};

const rows: Row[] = [];
try {
  await timed(jobOf("export default () => 1")); // the worker itself, so cold measures the browser
  const trivial: number[] = [];
  for (let i = 0; i < 20; i++) trivial.push(await timed(jobOf("export default () => 1")));
  rows.push({ name: "baseline: trivial skill call, median", value: ms(percentile(trivial, 50)), target: "", ok: null });

  const url = `http://127.0.0.1:${site.port}/`;
  const cold = await timed(job({ action: "open", url }, "bench")) + (await timed(job({ action: "screenshot" }, "bench")));
  rows.push({ name: "cold: open + first screenshot (Chromium start)", value: ms(cold), target: "≤ 2000 ms", ok: cold <= 2000 });
  const warm: number[] = [];
  for (let i = 0; i < 10; i++) warm.push(await timed(job({ action: "screenshot" }, "bench")));
  rows.push({ name: "warm: later screenshot, median", value: ms(percentile(warm, 50)), target: "≤ 300 ms", ok: percentile(warm, 50) <= 300 });
  rows.push({ name: "warm: later screenshot, p95", value: ms(percentile(warm, 95)), target: "≤ 300 ms", ok: percentile(warm, 95) <= 300 });
  const other: number[] = [];
  for (let i = 0; i < 5; i++) other.push(await timed(job({ action: "open", url }, `other-${i}`)));
  rows.push({ name: "new conversation, open (browser warm), median", value: ms(percentile(other, 50)), target: "", ok: null });
  printTable(rows);
} finally {
  await pool.close();
  site.stop(true);
}
