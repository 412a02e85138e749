// Enforces the dependency rule of DESIGN §1: channels/* and skills/* depend on runtime/contracts
// only (never on each other); policy/ and memory/ depend on contracts only; runtime/contracts
// depends on nothing of ours; only runtime/main.ts (the composition root) may pull in channels.
import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const SOURCE_DIRS = ["runtime", "skills", "channels", "policy", "memory"];

type Violation = { file: string; target: string; why: string };

/** Relative import specifiers of a TS/JS source (static imports, re-exports, dynamic imports). */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|(?:^|[\s;])import\s*["']([^"']+)["']|new\s+URL\(\s*["']([^"']+)["']/gm;
  for (const m of source.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (spec && spec.startsWith(".")) out.push(spec);
  }
  return out;
}

/** Which area a repo-relative path belongs to: "contracts", "policy", "channels/telegram", ... */
function areaOf(rel: string): string {
  const parts = rel.split("/");
  if (parts[0] === "runtime" && parts[1] === "contracts") return "contracts";
  if (parts[0] === "channels") return `channels/${parts[1] ?? ""}`;
  return parts[0] ?? "";
}

export function checkImport(fromRel: string, toRel: string): string | null {
  const from = areaOf(fromRel);
  const to = areaOf(toRel);
  if (from === to) return null;
  if (to === "contracts") return null;
  if (from === "contracts") return "runtime/contracts may import nothing of ours";
  if (from === "policy" || from === "memory") return `${from}/ may import only runtime/contracts`;
  if (from === "skills") return "skills/ may import only runtime/contracts";
  if (from.startsWith("channels/")) return "a channel may import only runtime/contracts and its own folder";
  if (to.startsWith("channels/") && fromRel !== "runtime/main.ts") return "only runtime/main.ts wires channels in";
  if (to === "tests" || to === "bench") return "product code may not import tests or benchmarks";
  return null;
}

async function scan(): Promise<{ files: number; violations: Violation[] }> {
  const violations: Violation[] = [];
  let files = 0;
  for (const dir of SOURCE_DIRS) {
    const glob = new Glob("**/*.{ts,js,mjs}");
    for await (const file of glob.scan({ cwd: join(ROOT, dir), onlyFiles: true })) {
      if (file.includes("node_modules/") || file.endsWith(".test.ts")) continue;
      const rel = `${dir}/${file}`;
      files++;
      const source = await Bun.file(join(ROOT, rel)).text();
      for (const spec of importsOf(source)) {
        const target = relative(ROOT, resolve(ROOT, dirname(rel), spec));
        const why = checkImport(rel, target);
        if (why) violations.push({ file: rel, target, why });
      }
    }
  }
  return { files, violations };
}

describe("dependency rule", () => {
  test("the product's sources respect it", async () => {
    const { files, violations } = await scan();
    expect(files).toBeGreaterThan(10);
    expect(violations.map((v) => `${v.file} -> ${v.target}: ${v.why}`)).toEqual([]);
  });

  test("the checker catches each kind of violation", () => {
    expect(checkImport("skills/loader.ts", "policy/index.ts")).toContain("skills/");
    expect(checkImport("channels/telegram/bot.ts", "channels/matrix/client.ts")).toContain("channel");
    expect(checkImport("channels/telegram/bot.ts", "runtime/gateway/server.ts")).toContain("channel");
    expect(checkImport("policy/decide.ts", "memory/store.ts")).toContain("policy/");
    expect(checkImport("memory/store.ts", "runtime/audit/log.ts")).toContain("memory/");
    expect(checkImport("runtime/contracts/tool.ts", "policy/index.ts")).toContain("contracts");
    expect(checkImport("runtime/gateway/server.ts", "channels/telegram/index.ts")).toContain("runtime/main.ts");
    expect(checkImport("runtime/main.ts", "channels/telegram/index.ts")).toBeNull();
    expect(checkImport("skills/loader.ts", "runtime/contracts/skill.ts")).toBeNull();
    expect(checkImport("channels/telegram/bot.ts", "channels/telegram/format.ts")).toBeNull();
  });

  test("import forms are all seen", () => {
    const src = `import a from "./a.ts";\nimport type { B } from '../b.ts';\nexport * from "./c.ts";\nconst d = await import("./d.ts");\nimport "./e.ts";\nimport x from "zod";`;
    expect(importsOf(src)).toEqual(["./a.ts", "../b.ts", "./c.ts", "./d.ts", "./e.ts"]);
  });
});
