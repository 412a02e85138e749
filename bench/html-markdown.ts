// `bun bench/html-markdown.ts`: HTML → Markdown for web_fetch, the converter web_fetch used to
// carry in JavaScript (interpreted by QuickJS in the sandbox, and for reference under Bun's JIT)
// against the host's `html.toMarkdown` (called directly, and from a skill through the bridge), on
// an 8.5 KB article page and the same page repeated to ~680 KB. The old JavaScript is read from
// the working tree while it exists there, else from the git history.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { htmlToMarkdown } from "../runtime/sandbox/host/html-markdown.ts";
import { SandboxPool } from "../runtime/sandbox/index.ts";
import { jobFor } from "../runtime/sandbox/skill-fixture.ts";
import { ARTICLE_PAGE } from "./article-page.ts";
import { ms, printTable, type Row } from "./stats.ts";

const ROOT = resolve(import.meta.dir, "..");
const OLD_FILES = ["html-markdown.js", "entities.js", "url.js"];

// The article page of bench/article-page.ts (8.5 KB), and it repeated 80 times.
const page = ARTICLE_PAGE;
const pages = [
  { name: `${(page.length / 1000).toFixed(1)} KB page`, html: page, n: 2000, nQuickJS: 100 },
  { name: `${((page.length * 80) / 1000).toFixed(0)} KB page`, html: page.repeat(80), n: 30, nQuickJS: 3 },
];
const base = "http://127.0.0.1:8080/article";

/** The old converter's source files, from the skill folder or else the git history. */
function oldSources(): Record<string, string> | null {
  const dir = join(ROOT, "skills/builtin/web_fetch");
  if (OLD_FILES.every((f) => existsSync(join(dir, f)))) return Object.fromEntries(OLD_FILES.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
  const git = (...args: string[]) => Bun.spawnSync(["git", "-C", ROOT, ...args], { stderr: "ignore" });
  // The last commit that touched the converter: it removed it (then its parent has it) or not.
  const last = git("rev-list", "-1", "HEAD", "--", "skills/builtin/web_fetch/html-markdown.js").stdout.toString().trim();
  if (!last) return null;
  for (const rev of [last, `${last}^`]) {
    const out: Record<string, string> = {};
    for (const f of OLD_FILES) {
      const r = git("show", `${rev}:skills/builtin/web_fetch/${f}`);
      if (r.exitCode === 0) out[f] = r.stdout.toString();
    }
    if (Object.keys(out).length === OLD_FILES.length) return out;
  }
  return null;
}

/** Best mean over 5 rounds of n calls, in ms. */
function time(n: number, f: () => unknown): number {
  for (let i = 0; i < Math.min(n, 50); i++) f();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) f();
    best = Math.min(best, (performance.now() - t) / n);
  }
  return best;
}

// A skill that converts its page n times and reports the mean (QuickJS's clock has 1 ms steps,
// so n is chosen to make the loop last well beyond that).
const LOOP = (convert: string) => `export default (p) => {
  let r = ${convert};
  const t = Date.now();
  for (let i = 0; i < p.n; i++) r = ${convert};
  return { ms: (Date.now() - t) / p.n, len: r.markdown.length };
};`;

const pool = new SandboxPool({ maxWorkers: 1 });
const limits = { timeoutMs: 600_000, memoryBytes: 1024 * 1024 * 1024, outputBytes: 1024 * 1024 };
async function inSandbox(dir: string, html: string, n: number): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const o = await pool.run(jobFor(dir, { params: { page: html, base, n }, limits }));
    if (!o.result.ok) throw new Error(o.result.error.message);
    best = Math.min(best, (o.result.output as { ms: number }).ms);
  }
  return best;
}

const work = mkdtempSync(join(tmpdir(), "moltbot-bench-html-"));
const newSkill = join(work, "new");
const oldSkill = join(work, "old");
mkdirSync(newSkill);
mkdirSync(oldSkill);
writeFileSync(join(newSkill, "main.js"), LOOP("html.toMarkdown(p.page, { baseUrl: p.base })"));
const sources = oldSources();
let oldConvert: ((html: string, base: string, md: boolean) => { markdown: string }) | null = null;
if (sources) {
  for (const [f, text] of Object.entries(sources)) writeFileSync(join(oldSkill, f), text);
  writeFileSync(join(oldSkill, "main.js"), `import { htmlToMarkdown } from "./html-markdown.js";\n` + LOOP("htmlToMarkdown(p.page, p.base, true)"));
  oldConvert = (await import(join(oldSkill, "html-markdown.js"))).htmlToMarkdown;
} else {
  console.log("(the old converter is not in the working tree or the git history: no baseline)");
}

const rows: Row[] = [];
const info = (name: string, value: string) => rows.push({ name, value, target: "", ok: null });
for (const p of pages) {
  const direct = time(p.n, () => htmlToMarkdown(p.html, { baseUrl: base }));
  if (oldConvert) {
    const same = oldConvert(p.html, base, true).markdown === htmlToMarkdown(p.html, { baseUrl: base }).markdown;
    info(`${p.name}: old JS in the sandbox (QuickJS), mean`, ms(await inSandbox(oldSkill, p.html, p.nQuickJS)));
    info(`${p.name}: old JS under Bun's JIT, best mean`, ms(time(p.n, () => oldConvert!(p.html, base, true))));
    info(`${p.name}: same Markdown from old and new`, same ? "yes" : "NO");
  }
  const target = p.html === page ? 0.2 : null;
  rows.push({ name: `${p.name}: host htmlToMarkdown, best mean`, value: ms(direct), target: target ? `≤ ${target} ms` : "", ok: target ? direct <= target : null });
  info(`${p.name}: html.toMarkdown from a skill (incl. bridge), mean`, ms(await inSandbox(newSkill, p.html, p.n)));
}
printTable(rows);
await pool.close();
rmSync(work, { recursive: true, force: true });
