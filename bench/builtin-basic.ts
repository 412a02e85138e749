// `bun bench/builtin-basic.ts`: the basic built-in skills against direct Bun calls measured in
// the same run (issue "Built-in skills with real system access"): file_read of a 1 MB file
// (≤ 3× Bun.file().text()) and web_fetch's overhead over a direct fetch of a local page (≤ 2 ms
// p50), served by a local HTTP server in a process of its own. Calls are 2 ms apart, as in
// conversation; back-to-back figures follow for reference, then the first call after idle
// workers were retired.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { servePage } from "./article-page.ts";
import { ms, percentile, printTable, type Row } from "./stats.ts";

const ROOT = resolve(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "moltbot-bench-builtin-"));
const home = join(dir, "home");
mkdirSync(home, { recursive: true });
process.env.MOLTBOT_HOME = join(dir, "moltbot");
process.env.HOME = home;
const file = join(home, "big.txt");
writeFileSync(file, "lorem ipsum dolor sit amet, consectetur adipiscing elit\n".repeat(18_725)); // ≈ 1 MB

// The article page (bench/article-page.ts), served by a process of its own, as a web page is:
// a direct fetch and the sandbox's both wait for another process. For reference it is also
// served on this thread, where a direct fetch never waits for another thread to wake.
const pageServer = Bun.spawn(["bun", join(import.meta.dir, "article-page.ts")], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
const remotePort = await firstLine(pageServer.stdout).then(Number);
const url = `http://127.0.0.1:${remotePort}/article`;
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: servePage });
const localUrl = `http://127.0.0.1:${server.port}/article`;

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the page server exited before printing its port");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text.slice(0, text.indexOf("\n"));
}

const policyFile = join(dir, "policy.yaml");
writeFileSync(policyFile, `version: 1
trust: { default: allow }
limits: { timeout: 10s, output: 4MiB }
skills:
  file_read: { allow: { read: ["${home}"] } }
  file_search: { allow: { read: ["${home}"] } }
  web_fetch: { allow: { net: ["127.0.0.1:${remotePort}", "127.0.0.1:${server.port}"] } }
`);

const { openRuntime } = await import(join(ROOT, "runtime/main.ts"));
const { runSkill } = await import(join(ROOT, "runtime/runner/run-skill.ts"));
const { loadSkill } = await import(join(ROOT, "skills/index.ts"));
const rt = await openRuntime({ policyPath: policyFile, auditPath: join(dir, "audit.jsonl"), fsync: false });
const deps = { pool: rt.pool, policy: rt.policy, audit: rt.audit, home: rt.userHome, confirm: async () => true, prompt: async () => false };
const noopDir = join(dir, "noop");
mkdirSync(noopDir);
writeFileSync(join(noopDir, "skill.json"), JSON.stringify({ name: "noop", version: "1.0.0", description: "does nothing", implementation: "main.js", parameters: {} }));
writeFileSync(join(noopDir, "main.js"), "export default () => ({ ok: true });");
const skills = {
  noop: (await loadSkill(noopDir)).skill,
  file_read: (await loadSkill(join(ROOT, "skills/builtin/file_read"))).skill,
  web_fetch: (await loadSkill(join(ROOT, "skills/builtin/web_fetch"))).skill,
  file_search: (await loadSkill(join(ROOT, "skills/builtin/file_search"))).skill,
};
// A source tree for file_search: 40 packages × 25 files of 20 lines (1000 files, ~0.9 MB).
const tree = join(home, "code");
for (let d = 0; d < 40; d++) {
  const src = join(tree, `pkg${d}`, "src");
  mkdirSync(src, { recursive: true });
  for (let f = 0; f < 25; f++) writeFileSync(join(src, `file${f}.ts`), `export const v${f} = ${f}; // TODO item ${d}-${f}\n`.repeat(20));
}

/**
 * p50 of `f`, each call `gap` ms after the last one ended (0 = back to back). Spaced calls are
 * how tools run in a conversation (the model thinks between them), and they let a worker
 * prepare its next context while idle, as it does in use.
 */
async function sample(n: number, gap: number, f: () => Promise<unknown>): Promise<number> {
  return (await interleaved(n, gap, { f })).f!;
}

/**
 * p50 of each function, run in turn (one call of each per round, `gap` ms apart), so that the
 * machine's drifting speed (up to 2× within minutes on a VM) weighs on a figure and its
 * baseline alike.
 */
async function interleaved<K extends string>(n: number, gap: number, fs: Record<K, () => Promise<unknown>>): Promise<Record<K, number>> {
  const keys = Object.keys(fs) as K[];
  for (let i = 0; i < Math.min(10, n); i++) for (const k of keys) await fs[k]();
  for (const k of Object.keys(inWorker)) inWorker[k] = []; // warm-up calls are not figures
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < n; i++) {
    for (const k of keys) {
      if (gap > 0) await Bun.sleep(gap);
      const t = performance.now();
      await fs[k]();
      out[k].push(performance.now() - t);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, percentile(out[k], 50)])) as Record<K, number>;
}
// Time each call spent inside its worker (the sandbox's own work), apart from the hops between
// threads and the audit line: on a busy or virtual machine the hops vary most.
const inWorker: Record<string, number[]> = {};
const call = (name: keyof typeof skills, params: unknown, key: string = name) => async () => {
  const r = await runSkill(skills[name], params, deps);
  if (!r.result.ok) throw new Error(`${name}: ${r.result.error.message}`);
  (inWorker[key] ??= []).push(r.outcome?.durationMs ?? NaN);
};
/** p50 of the in-worker times recorded under `key` since the last call of this. */
const workerP50 = (key: string) => percentile(inWorker[key]?.splice(0) ?? [], 50);
const GAP = 2;
const rows: Row[] = [];
const info = (name: string, value: string) => rows.push({ name, value, target: "", ok: null });
const ratio = (name: string, x: number, base: number, max: number) =>
  rows.push({ name, value: `${(x / base).toFixed(1)}×`, target: `≤ ${max}×`, ok: x / base <= max });

// 1. file_read of a 1 MB file against reading it directly. The empty skill's full tool call
// (policy, worker, fresh QuickJS context, audit line) is the floor under any skill's time.
const reads = await interleaved(40, GAP, {
  direct: () => Bun.file(file).text(),
  floor: call("noop", {}),
  whole: call("file_read", { path: file, max_chars: 2_000_000 }, "whole"),
  capped: call("file_read", { path: file }, "capped"),
});
info("baseline: Bun.file().text(), 1 MB, p50", ms(reads.direct));
info("floor: an empty skill's full tool call, p50", `${ms(reads.floor)} (${(reads.floor / reads.direct).toFixed(1)}×)`);
info("  of which inside the worker", ms(workerP50("noop")));
info("file_read 1 MB, whole file returned, p50", ms(reads.whole));
info("  of which inside the worker", ms(workerP50("whole")));
ratio("  ratio to baseline", reads.whole, reads.direct, 3);
info("file_read 1 MB, default max_chars (100k), p50", ms(reads.capped));
info("  of which inside the worker", ms(workerP50("capped")));
ratio("  ratio to baseline", reads.capped, reads.direct, 3);

// 2. web_fetch of a local article page against fetching it directly.
const fetches = await interleaved(200, GAP, {
  direct: () => fetch(url).then((r) => r.text()),
  skill: call("web_fetch", { url }),
  directLocal: () => fetch(localUrl).then((r) => r.text()),
  skillLocal: call("web_fetch", { url: localUrl }, "web_fetch local"),
});
const overhead = fetches.skill - fetches.direct;
info("baseline: direct fetch of the article page, p50", ms(fetches.direct));
info("web_fetch (→ Markdown, full tool call), p50", ms(fetches.skill));
info("  of which inside the worker", ms(workerP50("web_fetch")));
rows.push({ name: "  overhead", value: ms(overhead), target: "≤ 2 ms", ok: overhead <= 2 });
info("  overhead, page served on the runtime's own thread", `${ms(fetches.skillLocal - fetches.directLocal)} (direct ${ms(fetches.directLocal)})`);

// 3. file_search over the tree (no target): every folder and file is a host call, so the cost
// per host call shows here.
const searches = await interleaved(10, GAP, {
  names: call("file_search", { path: tree, name: "file1*.ts" }),
  content: call("file_search", { path: tree, query: "TODO item 7-3" }),
});
info("file_search, 1000 files by name, p50", ms(searches.names));
info("file_search, 1000 files by content, p50", ms(searches.content));

// 4. Sections 1 and 2 back to back (a worker has less idle time to prepare between calls).
info("back to back: empty skill call, p50", ms(await sample(60, 0, call("noop", {}))));
info("back to back: file_read 1 MB whole, p50", ms(await sample(40, 0, call("file_read", { path: file, max_chars: 2_000_000 }))));
info("back to back: file_read 1 MB default, p50", ms(await sample(40, 0, call("file_read", { path: file }))));
const b2bDirect = await sample(200, 0, () => fetch(url).then((r) => r.text()));
info("back to back: web_fetch overhead, p50", ms((await sample(200, 0, call("web_fetch", { url }))) - b2bDirect));

// 5. The first call after the workers were retired (a pool retires a worker idle 30 s, so in a
// conversation most tool calls find none): it starts a worker, which loads QuickJS from the
// module the pool's first worker compiled. And for reference the very first call of a pool.
const { SandboxPool } = await import(join(ROOT, "runtime/sandbox/pool.ts"));
const firstCalls: number[] = [];
const afterIdle: number[] = [];
for (let i = 0; i < 8; i++) {
  const pool = new SandboxPool({ idleMs: 50 });
  const run = async () => {
    const t = performance.now();
    const r = await runSkill(skills.web_fetch, { url }, { ...deps, pool });
    if (!r.result.ok) throw new Error(`web_fetch: ${r.result.error.message}`);
    return performance.now() - t;
  };
  firstCalls.push(await run());
  while (pool.stats.workers > 0) await Bun.sleep(20);
  afterIdle.push(await run());
  await pool.close();
}
info("web_fetch, first call of a new pool, p50", ms(percentile(firstCalls, 50)));
info("web_fetch, first call after the workers retired, p50", ms(percentile(afterIdle, 50)));

printTable(rows);
await rt.close();
server.stop(true);
pageServer.stdin.end();
await pageServer.exited;
rmSync(dir, { recursive: true, force: true });
