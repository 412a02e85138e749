// `bun bench/gateway.ts`: the gateway's figures (issue: gateway). Startup and idle memory are
// measured on the real `moltbot gateway` process with config, policy and 50 skills; per-turn
// overhead, concurrency and memory growth in-process with an agent that answers instantly (a
// fake provider, no tools), so what is measured is the gateway, not a model.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Agent, AgentEvent, TurnInput } from "../runtime/contracts/agent.ts";
import { GatewayClient } from "../runtime/gateway/client.ts";
import { startGateway } from "../runtime/gateway/server.ts";
import { ms, percentile, printTable, type Row } from "./stats.ts";

const ROOT = resolve(import.meta.dir, "..");
const CLI = join(ROOT, "runtime/cli/main.ts");
const dir = mkdtempSync(join(tmpdir(), "moltbot-bench-gw-"));
const home = join(dir, "moltbot");
mkdirSync(join(home, "skills"), { recursive: true, mode: 0o700 });
writeFileSync(join(home, "config.yaml"), "ollama: { model: llama3.2, base_url: \"http://127.0.0.1:9\" }\ngateway: { host: 127.0.0.1, port: 0 }\n");
for (let i = 0; i < 50; i++) {
  const s = join(home, "skills", `skill_${i}`);
  mkdirSync(s);
  writeFileSync(join(s, "skill.json"), JSON.stringify({ name: `skill_${i}`, version: "1.0.0", description: `bench skill ${i}`, implementation: "main.js", parameters: { n: { type: "number" } }, permissions: { net: ["api.example.com:443"] } }));
  writeFileSync(join(s, "main.js"), "export default async (p) => p;");
}
const env = { PATH: process.env.PATH ?? "/usr/bin", HOME: dir, MOLTBOT_HOME: home };
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const rows: Row[] = [];

// 1–2. Spawn → /health answering, and idle RSS, against a bare `bun` spawn as the baseline.
const starts: number[] = [];
const bare: number[] = [];
let idleRss = 0;
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  await Bun.spawn(["bun", "-e", "0"], { env, stdout: "ignore" }).exited;
  bare.push(performance.now() - t);
  t = performance.now();
  const p = Bun.spawn(["bun", CLI, "gateway"], { env, stdout: "pipe", stderr: "pipe" });
  const reader = p.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) text += new TextDecoder().decode((await reader.read()).value);
  const url = /listening on (\S+)/.exec(text)![1]!;
  while ((await fetch(`${url}/health`).catch(() => null))?.status !== 200);
  starts.push(performance.now() - t);
  if (i === 4) {
    await Bun.sleep(1000);
    idleRss = rssOf(p.pid);
  }
  p.kill("SIGTERM");
  await p.exited;
}
rows.push({ name: "bun spawn, nothing loaded (baseline)", value: ms(percentile(bare, 50)), target: "", ok: null });
rows.push({ name: "start → /health ready (50 skills), p50", value: ms(percentile(starts, 50)), target: "≤ 300 ms", ok: percentile(starts, 50) <= 300 });
rows.push({ name: "idle RSS of the gateway process", value: `${idleRss.toFixed(1)} MB`, target: "≤ 80 MB", ok: idleRss <= 80 });

// 3. Per-turn overhead: chat.send → chat.final over WS minus the same agent called directly.
class InstantAgent implements Agent {
  async *run(input: TurnInput): AsyncIterable<AgentEvent> {
    yield { type: "delta", turn: "t", text: "ok " };
    yield { type: "final", turn: "t", text: `ok ${input.text.length}` };
  }
  async resolveApproval() {
    return { ok: true as const };
  }
  stop() {
    return false;
  }
}
const agent = new InstantAgent();
const gw = startGateway({ host: "127.0.0.1", port: 0, version: "bench", agent, limits: { framesPerSecond: 1e6, frameBurst: 1e6 } });
async function turnOver(c: GatewayClient): Promise<void> {
  const done = new Promise<void>((resolve) => {
    const off = c.on("chat.final", () => (off(), resolve()));
  });
  await c.request("chat.send", { text: "hello" });
  await done;
}
const one = await GatewayClient.connect(gw.url, { name: "bench" });
for (let i = 0; i < 300; i++) await turnOver(one);
const direct: number[] = [];
const viaWs: number[] = [];
for (let i = 0; i < 1000; i++) {
  let t = performance.now();
  for await (const _ of agent.run({ session: "s", user: "u", channel: "webchat", text: "hello" }));
  direct.push(performance.now() - t);
  t = performance.now();
  await turnOver(one);
  viaWs.push(performance.now() - t);
}
const overhead = percentile(viaWs, 50) - percentile(direct, 50);
rows.push({ name: "agent called directly, p50 (baseline)", value: ms(percentile(direct, 50)), target: "", ok: null });
rows.push({ name: "chat turn over WS, p50 / p99", value: `${ms(percentile(viaWs, 50))} / ${ms(percentile(viaWs, 99))}`, target: "", ok: null });
rows.push({ name: "gateway overhead per turn, p50", value: ms(overhead), target: "≤ 5 ms", ok: overhead <= 5 });

// 4. 200 clients × 10 turns at once.
let errors = 0;
const t4 = performance.now();
const clients = await Promise.all(Array.from({ length: 200 }, (_, i) => GatewayClient.connect(gw.url, { name: `c${i}` })));
await Promise.all(clients.map(async (c) => {
  for (let i = 0; i < 10; i++) await turnOver(c).catch(() => errors++);
}));
const t4ms = performance.now() - t4;
for (const c of clients) c.close();
rows.push({ name: "200 WS clients × 10 turns: errors", value: String(errors), target: "0", ok: errors === 0 });
rows.push({ name: "200 × 10 turns: wall time", value: ms(t4ms), target: "", ok: null });

// 5. Memory after 10,000 turns (gateway and clients share this process).
Bun.gc(true);
const before = process.memoryUsage().rss / 1048576;
const pool = await Promise.all(Array.from({ length: 20 }, (_, i) => GatewayClient.connect(gw.url, { name: `m${i}` })));
await Promise.all(pool.map(async (c) => {
  for (let i = 0; i < 500; i++) await turnOver(c);
}));
for (const c of pool) c.close();
await Bun.sleep(200);
Bun.gc(true);
const after = process.memoryUsage().rss / 1048576;
const growth = (after - before) / before;
rows.push({ name: "RSS before → after 10,000 turns", value: `${before.toFixed(1)} → ${after.toFixed(1)} MB (${(growth * 100).toFixed(1)}%)`, target: "within 20%", ok: Math.abs(growth) <= 0.2 });

one.close();
await gw.stop();
rmSync(dir, { recursive: true, force: true });
printTable(rows);
