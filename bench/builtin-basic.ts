// `bun bench/builtin-basic.ts`: the basic built-in skills against direct Bun calls measured in
// the same run (issue "Built-in skills with real system access"): file_read of a 1 MB file
// (≤ 3× Bun.file().text()) and web_fetch's overhead over a direct fetch of a local page (≤ 2 ms p50).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { percentile, printTable, ms, type Row } from "./stats.ts";

const ROOT = resolve(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "moltbot-bench-builtin-"));
const home = join(dir, "home");
mkdirSync(home, { recursive: true });
process.env.MOLTBOT_HOME = join(dir, "moltbot");
process.env.HOME = home;
const file = join(home, "big.txt");
writeFileSync(file, "lorem ipsum dolor sit amet, consectetur adipiscing elit\n".repeat(18_725)); // ≈ 1 MB

// A typical article page, about 12 KB.
const para = `<p>Some <a href="/wiki/x">linked</a> text with <em>emphasis</em> &amp; an entity, long enough to be a real paragraph of prose.</p>`;
const page = `<!doctype html><html><head><title>Article</title><script>var x = 1;</script></head><body><nav><a href="/">Home</a></nav>
<h1>Title</h1>${para.repeat(60)}<ul>${"<li>item</li>".repeat(20)}</ul><table>${"<tr><td>a</td><td>b</td></tr>".repeat(10)}</table><footer>f</footer></body></html>`;
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } }) });
const url = `http://127.0.0.1:${server.port}/article`;

const policyFile = join(dir, "policy.yaml");
writeFileSync(policyFile, `version: 1
trust: { default: allow }
limits: { timeout: 10s, output: 4MiB }
skills:
  file_read: { allow: { read: ["${home}"] } }
  web_fetch: { allow: { net: ["127.0.0.1:${server.port}"] } }
`);

const { openRuntime } = await import(join(ROOT, "runtime/main.ts"));
const { runSkill } = await import(join(ROOT, "runtime/runner/run-skill.ts"));
const { loadSkill } = await import(join(ROOT, "skills/index.ts"));
const rt = await openRuntime({ policyPath: policyFile, auditPath: join(dir, "audit.jsonl"), fsync: false });
const deps = { pool: rt.pool, policy: rt.policy, audit: rt.audit, home: rt.userHome, confirm: async () => true, prompt: async () => false };
const skills = {
  file_read: (await loadSkill(join(ROOT, "skills/builtin/file_read"))).skill,
  web_fetch: (await loadSkill(join(ROOT, "skills/builtin/web_fetch"))).skill,
};

async function sample(n: number, f: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(10, n); i++) await f();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return out;
}
const call = (name: keyof typeof skills, params: unknown) => async () => {
  const r = await runSkill(skills[name], params, deps);
  if (!r.result.ok) throw new Error(`${name}: ${r.result.error.message}`);
};

const rows: Row[] = [];
const direct = percentile(await sample(40, () => Bun.file(file).text()), 50);
const whole = percentile(await sample(40, call("file_read", { path: file, max_chars: 2_000_000 })), 50);
const capped = percentile(await sample(40, call("file_read", { path: file })), 50);
rows.push({ name: "baseline: Bun.file().text(), 1 MB, p50", value: ms(direct), target: "", ok: null });
rows.push({ name: "file_read 1 MB, whole file returned, p50", value: ms(whole), target: "", ok: null });
rows.push({ name: "  ratio to baseline", value: `${(whole / direct).toFixed(1)}×`, target: "≤ 3×", ok: whole / direct <= 3 });
rows.push({ name: "file_read 1 MB, default max_chars (100k), p50", value: ms(capped), target: "", ok: null });
rows.push({ name: "  ratio to baseline", value: `${(capped / direct).toFixed(1)}×`, target: "≤ 3×", ok: capped / direct <= 3 });

const fetchDirect = percentile(await sample(200, () => fetch(url).then((r) => r.text())), 50);
const viaSkill = percentile(await sample(200, call("web_fetch", { url })), 50);
rows.push({ name: "baseline: direct fetch of a 12 KB page, p50", value: ms(fetchDirect), target: "", ok: null });
rows.push({ name: "web_fetch (→ Markdown, full tool call), p50", value: ms(viaSkill), target: "", ok: null });
rows.push({ name: "  overhead", value: ms(viaSkill - fetchDirect), target: "≤ 2 ms", ok: viaSkill - fetchDirect <= 2 });

printTable(rows);
await rt.close();
server.stop(true);
rmSync(dir, { recursive: true, force: true });
