// Keeps docs/skill-api.md complete: every global the sandbox prelude defines in its `api` object,
// and every member of its frozen groups (fs.readFile, console.warn, …), must appear in the doc
// in backticks. The names are read from the prelude's source, so a new host function fails
// here until it is documented.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const PRELUDE = readFileSync(resolve(ROOT, "runtime/sandbox/prelude.ts"), "utf8");
const DOC = readFileSync(resolve(ROOT, "docs/skill-api.md"), "utf8");

const OPEN: Record<string, string> = { "(": ")", "{": "}", "[": "]" };

/** The text between the bracket at `at` and its match; quotes and template literals are skipped. */
function inside(src: string, at: number): string {
  const stack: string[] = [];
  for (let i = at; i < src.length; i++) {
    const c = src[i]!;
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === "\\") i++;
    } else if (OPEN[c]) stack.push(OPEN[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return src.slice(at + 1, i);
    }
  }
  throw new Error(`unbalanced bracket at ${at}`);
}

/** An object literal's entries, split at its top-level commas. */
function entries(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < body.length && body[i] !== c; i++) if (body[i] === "\\") i++;
    } else if (OPEN[c]) depth++;
    else if (c === ")" || c === "}" || c === "]") depth--;
    else if (c === "," && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
  }
  out.push(body.slice(start));
  return out.map((e) => e.trim()).filter((e) => e !== "");
}

const ENTRY = /^([A-Za-z_$][\w$]*)\s*(?::\s*([\s\S]+))?$/;

/** Global names and group members ("fs.readFile") defined by the prelude's `api` object. */
export function sandboxGlobals(prelude: string): string[] {
  const decl = /\bconst\s+api\s*=\s*\{/.exec(prelude);
  if (!decl) throw new Error("no `const api = {` in the prelude");
  const names: string[] = [];
  for (const entry of entries(inside(prelude, decl.index + decl[0].length - 1))) {
    const m = ENTRY.exec(entry);
    if (!m) throw new Error(`cannot read the api entry ${JSON.stringify(entry)}`);
    const [, name, value] = m as unknown as [string, string, string | undefined];
    const group = value === undefined ? null : /^freeze\(\s*\{/.exec(value);
    if (!group) {
      names.push(name);
      continue;
    }
    for (const member of entries(inside(value as string, group[0].length - 1))) {
      const k = ENTRY.exec(member);
      if (!k) throw new Error(`cannot read the member ${JSON.stringify(member)} of ${name}`);
      names.push(`${name}.${k[1]}`);
    }
  }
  return names;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** "`fs.readFile`" or "`fs.readFile(…`" (a signature). */
const documented = (doc: string, name: string) => new RegExp("`" + escape(name) + "[`(]").test(doc);

describe("docs/skill-api.md", () => {
  const names = sandboxGlobals(PRELUDE);

  test("the prelude's api object is read whole (a broken parse cannot pass vacuously)", () => {
    expect(names.length).toBeGreaterThanOrEqual(25);
    expect(new Set(names).size).toBe(names.length);
    for (const known of ["fetch", "TextDecoder", "PermissionDenied", "html.toMarkdown", "fs.readFile", "fs.remove", "shell.run", "browser.click", "camera.capture", "mail.send", "memory.write", "env.get", "console.warn"]) {
      expect(names).toContain(known);
    }
  });

  test("names every global and group member in backticks", () => {
    expect(names.filter((n) => !documented(DOC, n))).toEqual([]);
  });

  test("a name without backticks does not count", () => {
    const without = DOC.replaceAll("`fs.readFile(", "fs.readFile(").replaceAll("`fs.readFile`", "fs.readFile");
    expect(without).toContain("fs.readFile(");
    expect(documented(without, "fs.readFile")).toBe(false);
  });
});
