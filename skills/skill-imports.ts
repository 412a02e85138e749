// The imports of an executable skill, checked against the sandbox's module rule
// (runtime/sandbox/module-loader.ts): only relative specifiers ("./x.js", "../x.js") that reach
// a file inside the skill folder load; a package ("lodash"), a node:/bun: module or an absolute
// path fails, but only when the skill runs. `skill lint` and `skill install` report them first.
// The code is parsed (Bun.Transpiler's import scan), never run, so strings and comments that
// merely look like imports are not imports. Starts at the implementation and follows the
// imports that load, so files the skill never imports (tests, tools) are not judged.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { fail } from "../runtime/contracts/errors.ts";
import type { Skill } from "../runtime/contracts/skill.ts";
import { issueText, type ManifestIssue } from "./manifest-error.ts";

export const IMPORT_RULE = "a skill may import only files in its own folder, like ./util.js; there are no packages or node: modules in the sandbox";

/** As the sandbox's loader: a larger module is refused there. */
const MAX_MODULE_BYTES = 4 * 1024 * 1024;
/** Issues listed in the one-line error; all are in its details. */
const SHOWN = 5;

interface Found {
  specifier: string;
  line?: number;
}

/** Every import in the skill the sandbox would refuse; an instruction skill has none. */
export function findImportIssues(skill: Skill): ManifestIssue[] {
  if (skill.kind !== "executable" || skill.implementation === undefined) return [];
  const root = realpathSync(skill.dir);
  const issues: ManifestIssue[] = [];
  const seen = new Set<string>();
  const queue = [resolve(root, skill.implementation)];
  while (queue.length > 0) {
    const file = queue.shift()!;
    const real = realpathSync(file);
    if (seen.has(real)) continue;
    seen.add(real);
    const shown = relative(root, file).split(sep).join("/");
    let code: string;
    try {
      if (statSync(real).size > MAX_MODULE_BYTES) {
        issues.push({ file: shown, message: `larger than ${MAX_MODULE_BYTES} bytes; the sandbox will not load it` });
        continue;
      }
      code = readFileSync(real, "utf8");
    } catch {
      issues.push({ file: shown, message: "cannot be read" });
      continue;
    }
    let found: Found[];
    try {
      found = scanImports(code);
    } catch (err) {
      const line = (err as { position?: { line?: number } }).position?.line;
      issues.push({ file: shown, ...(line ? { line } : {}), message: `is not a JavaScript module the sandbox can parse: ${(err as Error).message.split("\n")[0]}` });
      continue;
    }
    for (const { specifier, line } of found) {
      const where = { file: shown, ...(line !== undefined ? { line } : {}) };
      const quoted = JSON.stringify(specifier.length > 120 ? `${specifier.slice(0, 119)}…` : specifier);
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
        issues.push({ ...where, message: `imports ${quoted}, ${kindOf(specifier)} the sandbox cannot load` });
        continue;
      }
      const target = resolve(dirname(file), specifier);
      const problem = outsideOrMissing(root, target);
      if (problem) issues.push({ ...where, message: `imports ${quoted}: ${problem}` });
      else queue.push(target);
    }
  }
  return issues;
}

/** `findImportIssues`, as one `invalid_manifest` failure naming each import (lint, install). */
export function checkImports(skill: Skill): void {
  const issues = findImportIssues(skill);
  if (issues.length === 0) return;
  const more = issues.length > SHOWN ? `; and ${issues.length - SHOWN} more` : "";
  fail("invalid_manifest", issues.slice(0, SHOWN).map(issueText).join("; ") + more, IMPORT_RULE, {
    issues: issues.map((i) => ({ file: i.file, ...(i.line !== undefined ? { line: i.line } : {}), message: i.message })),
  });
}

function kindOf(specifier: string): string {
  if (specifier.startsWith("node:")) return "a Node module";
  if (specifier.startsWith("bun:")) return "a Bun module";
  if (specifier.startsWith("/")) return "an absolute path";
  if (/^[A-Za-z][\w+.-]*:/.test(specifier)) return "a URL";
  return "a package";
}

// The loader's checks in the same order: inside the folder by path, then by real path, a file.
function outsideOrMissing(root: string, target: string): string | undefined {
  if (!inside(root, target)) return "it is outside the skill folder";
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    return "no such file in the skill folder";
  }
  if (!inside(root, real)) return "it links outside the skill folder";
  if (!statSync(real).isFile()) return "not a file";
  return undefined;
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

let transpiler: Bun.Transpiler | undefined;

/** Re-parses spent on finding lines: each costs a parse of the whole file, so a file repeating a
 *  specifier's text thousands of times cannot make lint or install take hours. */
const MAX_PROBES = 64;

/**
 * The module's static imports, re-exports and `import("literal")` calls with their lines. Bun's
 * scan gives specifiers without positions, so quoted occurrences of a specifier in the text are
 * tried: it is an import if replacing it changes what the scan finds. An occurrence not found
 * that way (an escape inside the quotes, or past MAX_PROBES tries) is reported without a line.
 */
export function scanImports(code: string): Found[] {
  transpiler ??= new Bun.Transpiler({ loader: "js" });
  const t = transpiler;
  const counts = new Map<string, number>();
  for (const i of t.scanImports(code)) {
    if (i.kind === "import-statement" || i.kind === "dynamic-import") counts.set(i.path, (counts.get(i.path) ?? 0) + 1);
  }
  const out: Found[] = [];
  let probes = 0;
  for (const [specifier, count] of counts) {
    const lines: number[] = [];
    for (const quote of ['"', "'", "`"]) {
      const literal = quote + specifier + quote;
      for (let at = code.indexOf(literal); at !== -1 && lines.length < count && probes < MAX_PROBES; at = code.indexOf(literal, at + 1)) {
        probes++;
        const probe = `${quote}\0moltbot-probe${quote}`;
        const changed = code.slice(0, at) + probe + code.slice(at + literal.length);
        let isImport = false;
        try {
          isImport = t.scanImports(changed).some((i) => i.path === "\0moltbot-probe");
        } catch {
          // the replacement broke the parse: not a specifier position
        }
        if (isImport) lines.push(lineAt(code, at));
      }
    }
    for (const line of lines) out.push({ specifier, line });
    for (let i = lines.length; i < count; i++) out.push({ specifier });
  }
  return out.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

function lineAt(code: string, offset: number): number {
  let line = 1;
  for (let i = code.indexOf("\n"); i !== -1 && i < offset; i = code.indexOf("\n", i + 1)) line++;
  return line;
}
