// `bun run bench`: the skill runtime's performance targets (issue: skill runtime), measured on
// this machine, each against a baseline from the same run where one exists.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { percentile, printTable, ms, us, type Row } from "./stats.ts";

const ROOT = resolve(import.meta.dir, "..");
const home = mkdtempSync(join(tmpdir(), "moltbot-bench-"));
process.env.MOLTBOT_HOME = join(home, "moltbot");

function skill(name: string, source: string, permissions: unknown = []): string {
  const dir = join(home, "skills", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "skill.json"), JSON.stringify({ name, version: "1.0.0", description: name, parameters: { n: { type: "number" } }, implementation: "main.js", permissions }));
  writeFileSync(join(dir, "main.js"), source);
  return dir;
}

const policyFile = join(home, "policy.yaml");
writeFileSync(policyFile, `version: 1
trust: { default: allow }
limits: { timeout: 5s }
skills:
  env_loop: { allow: { env: [PATH] } }
  spin: { limits: { timeout: 6s } }
  sleepy: { limits: { timeout: 100ms } }
`);
const trivial = skill("trivial", "export default async (p) => ({ sum: (p.n ?? 1) + 1 });");
const envLoop = skill("env_loop", "export default async (p) => { let s = 0; for (let i = 0; i < p.n; i++) s += env.get('PATH').length; return s; };", { env: ["PATH"] });
const envBase = skill("env_base", "export default async (p) => { let s = 0; const f = () => 'x'; for (let i = 0; i < p.n; i++) s += f().length; return s; };");
const spin = skill("spin", "export default async () => { const end = Date.now() + 5000; let x = 0; while (Date.now() < end) x++; return x; };");
const sleepy = skill("sleepy", "export default async () => { for (;;) {} };");

const { openRuntime } = await import(join(ROOT, "runtime/main.ts"));
const { runSkill } = await import(join(ROOT, "runtime/runner/run-skill.ts"));
const { loadSkill } = await import(join(ROOT, "skills/index.ts"));
const rt = await openRuntime({ policyPath: policyFile, auditPath: join(home, "audit.jsonl"), fsync: false });
const deps = { pool: rt.pool, policy: rt.policy, audit: rt.audit, home: rt.userHome, confirm: async () => true, prompt: async () => false };
const rows: Row[] = [];

async function call(dir: string, params: unknown) {
  const { skill: s } = await loadSkill(dir);
  const r = await runSkill(s, params, deps);
  if (!r.result.ok) throw new Error(`${s.name}: ${r.result.error.message}`);
  return r;
}

// 1. Full path: validate → trust → policy → fresh QuickJS context → audit (no fsync), calls
// issued back to back. "preloaded": the manifest is loaded once, as the gateway does; "with
// load": the manifest is read and validated on every call, as `moltbot skill run` does.
const trivialSkill = (await loadSkill(trivial)).skill;
for (let i = 0; i < 100; i++) await call(trivial, { n: i });
const preloaded: number[] = [];
const withLoad: number[] = [];
for (let i = 0; i < 600; i++) {
  let t = performance.now();
  const r = await runSkill(trivialSkill, { n: i }, deps);
  preloaded.push(performance.now() - t);
  if (!r.result.ok) throw new Error(r.result.error.message);
  t = performance.now();
  await call(trivial, { n: i });
  withLoad.push(performance.now() - t);
}
// As in conversation, where a model's think time separates tool calls: 2 ms apart, so each
// worker has its next fresh context ready.
const spaced: number[] = [];
for (let i = 0; i < 300; i++) {
  await Bun.sleep(2);
  const t = performance.now();
  await runSkill(trivialSkill, { n: i }, deps);
  spaced.push(performance.now() - t);
}
const spawnSamples: number[] = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  const p = Bun.spawn(["bun", "-e", "console.log(JSON.stringify({ sum: 2 }))"], { stdout: "pipe" });
  await new Response(p.stdout).text();
  await p.exited;
  spawnSamples.push(performance.now() - t);
}
const p50 = percentile(preloaded, 50);
const p50Load = percentile(withLoad, 50);
const spawnP50 = percentile(spawnSamples, 50);
rows.push({ name: "skill call, full path, preloaded, p50", value: ms(p50), target: "≤ 2 ms", ok: p50 <= 2 });
rows.push({ name: "skill call, full path, preloaded, p99", value: ms(percentile(preloaded, 99)), target: "", ok: null });
rows.push({ name: "skill call incl. manifest load, p50", value: ms(p50Load), target: "≤ 2 ms", ok: p50Load <= 2 });
const p50Spaced = percentile(spaced, 50);
rows.push({ name: "skill call, preloaded, calls 2 ms apart, p50", value: ms(p50Spaced), target: "", ok: null });
rows.push({ name: "baseline: spawn `bun -e`, p50", value: ms(spawnP50), target: "", ok: null });
rows.push({ name: "speed-up over spawn (back to back)", value: `${(spawnP50 / p50).toFixed(1)}×`, target: "≥ 10×", ok: spawnP50 / p50 >= 10 });
rows.push({ name: "speed-up over spawn (incl. load)", value: `${(spawnP50 / p50Load).toFixed(1)}×`, target: "", ok: null });
rows.push({ name: "speed-up over spawn (calls 2 ms apart)", value: `${(spawnP50 / p50Spaced).toFixed(1)}×`, target: "≥ 10×", ok: spawnP50 / p50Spaced >= 10 });

// 2. Host-capability overhead: env.get in a loop, minus the same loop calling a local function.
const N = 200_000;
const timeOf = async (dir: string) => {
  const t = performance.now();
  await call(dir, { n: N });
  return performance.now() - t;
};
await timeOf(envLoop);
await timeOf(envBase);
let best = Infinity;
for (let i = 0; i < 3; i++) best = Math.min(best, ((await timeOf(envLoop)) - (await timeOf(envBase))) / N);
rows.push({ name: "host call overhead (env.get)", value: us(best * 1000), target: "≤ 5 µs", ok: best * 1000 <= 5 });

// 3. A 100 ms timeout fires within 110 ms.
{
  const { skill: s } = await loadSkill(sleepy);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = await runSkill(s, {}, deps);
    samples.push(performance.now() - t);
    if (r.result.ok || r.result.error.code !== "timeout") throw new Error("sleepy did not time out");
  }
  const worst = Math.max(...samples);
  rows.push({ name: "100 ms timeout fires after (worst of 5)", value: ms(worst), target: "≤ 110 ms", ok: worst <= 110 });
}

// 4. /health p99 while a 5 s CPU-bound skill runs in the pool.
{
  const { startGateway } = await import(join(ROOT, "runtime/gateway/server.ts"));
  const gw = startGateway({ host: "127.0.0.1", port: 0, version: "bench" });
  const { skill: s } = await loadSkill(spin);
  const busy = runSkill(s, {}, deps);
  await Bun.sleep(100);
  const lat: number[] = [];
  const until = performance.now() + 4000;
  while (performance.now() < until) {
    const t = performance.now();
    const res = await fetch(`${gw.url}/health`);
    await res.arrayBuffer();
    lat.push(performance.now() - t);
    await Bun.sleep(5);
  }
  await busy;
  await gw.stop();
  const p99 = percentile(lat, 99);
  rows.push({ name: `GET /health p99 under a 5 s CPU-bound skill (${lat.length} req)`, value: ms(p99), target: "≤ 20 ms", ok: p99 <= 20 });
}
await rt.close();

// 5. Gateway start → /health, and idle RSS, as a separate process.
{
  const starts: number[] = [];
  let rss = 0;
  for (let i = 0; i < 5; i++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const t = performance.now();
    const proc = Bun.spawn(["bun", join(ROOT, "runtime/cli/main.ts"), "gateway", "--port", String(port)], { stdout: "ignore", stderr: "ignore", env: { ...process.env } });
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/health`);
        if (r.ok) break;
      } catch {}
      await Bun.sleep(2);
    }
    starts.push(performance.now() - t);
    await Bun.sleep(1000);
    const status = await Bun.file(`/proc/${proc.pid}/status`).text();
    rss = Math.max(rss, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    proc.kill("SIGTERM");
    await proc.exited;
  }
  const p = percentile(starts, 50);
  rows.push({ name: "gateway start → /health answering, p50", value: ms(p), target: "≤ 300 ms", ok: p <= 300 });
  rows.push({ name: "gateway idle RSS", value: `${rss.toFixed(1)} MB`, target: "≤ 80 MB", ok: rss <= 80 });
}

// 6. CLI start-up: --version and policy check.
{
  const cli = async (args: string[]) => {
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const p = Bun.spawn(["bun", join(ROOT, "runtime/cli/main.ts"), ...args], { stdout: "ignore", stderr: "ignore" });
      await p.exited;
      samples.push(performance.now() - t);
    }
    return percentile(samples, 50);
  };
  const v = await cli(["--version"]);
  const c = await cli(["policy", "check", "--policy", policyFile, "--skill", trivial, "--permission", "net", "--value", "example.com:443"]);
  const bare = await (async () => {
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await Bun.spawn(["bun", "-e", "0"], { stdout: "ignore" }).exited;
      samples.push(performance.now() - t);
    }
    return percentile(samples, 50);
  })();
  rows.push({ name: "baseline: `bun -e 0`, p50", value: ms(bare), target: "", ok: null });
  rows.push({ name: "moltbot --version, p50", value: ms(v), target: "≤ 80 ms", ok: v <= 80 });
  rows.push({ name: "moltbot policy check, p50", value: ms(c), target: "≤ 80 ms", ok: c <= 80 });
}

printTable(rows);
rmSync(home, { recursive: true, force: true });
process.exit(0);
