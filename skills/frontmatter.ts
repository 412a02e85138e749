// Splits SKILL.md into frontmatter and body and reads the frontmatter: YAML first (duplicate
// keys are YAML errors), then, when lenient, a line-based `key: value` reading for the many
// published files whose YAML does not parse (e.g. an unquoted ": " in a description).
import type { Document } from "yaml";
import { isPlainObject, show, type ManifestIssue } from "./manifest-error.ts";
import { firstDuplicateKey } from "../runtime/contracts/yaml-duplicates.ts";
import { setOwn } from "../runtime/contracts/set-own.ts";

export interface Frontmatter {
  data: Record<string, unknown>;
  /** File line (1-based) of each top-level key, for messages. */
  keyLines: Record<string, number>;
  body: string;
  /** Set when YAML failed; lenient mode then used the line reading. */
  yamlError?: ManifestIssue;
}

/** Frontmatter text starts on file line 2 (line 1 is `---`). */
const FIRST_LINE = 2;
const YAML_HINT = 'quote values that contain ": " or start with a special character; without --strict the file is read line by line';
const DUPLICATE_HINT = "give each key once; without --strict the file is read line by line and the first one is used";

export function normalizeText(text: string): string {
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, "\n");
}

export function readFrontmatter(rawText: string, file: string, lenient: boolean): Frontmatter | ManifestIssue {
  const lines = normalizeText(rawText).split("\n");
  if (lines[0] !== "---") return { file, line: 1, message: "no frontmatter: the first line must be --- (YAML frontmatter with name and description)" };
  const end = lines.indexOf("---", 1);
  if (end < 0) return { file, line: 1, message: "frontmatter is not closed: expected a line with just --- after it" };
  const src = lines.slice(1, end).join("\n");
  const body = lines.slice(end + 1).join("\n");
  const parsed = parseYaml(src, file);
  if (!("message" in parsed)) return { ...parsed, body };
  if (!lenient) return parsed;
  return { ...parseLines(src), body, yamlError: parsed };
}

function parseYaml(src: string, file: string): { data: Record<string, unknown>; keyLines: Record<string, number> } | ManifestIssue {
  const YAML = require("yaml") as typeof import("yaml");
  // `uniqueKeys: true` compares each key with every earlier one (40k keys took 19 s), so
  // duplicates are found by firstDuplicateKey in one pass instead.
  const lines = new YAML.LineCounter();
  const doc: Document = YAML.parseDocument(src, { uniqueKeys: false, prettyErrors: false, lineCounter: lines });
  const lineAt = (offset: number) => Math.max(lines.linePos(offset).line, 1) + FIRST_LINE - 1;
  const err = doc.errors[0];
  const dup = firstDuplicateKey(doc.contents, YAML);
  if (dup && (!err || dup.offset <= err.pos[0])) {
    return { file, line: lineAt(dup.offset), message: `invalid YAML: Map keys must be unique; ${show(dup.key)} appears more than once`, hint: DUPLICATE_HINT };
  }
  if (err) return { file, line: lineAt(err.pos[0]), message: `invalid YAML: ${err.message.split("\n")[0]}`, hint: YAML_HINT };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { file, message: `invalid YAML: ${e instanceof Error ? e.message : "cannot be read"}` };
  }
  if (!isPlainObject(data)) return { file, line: FIRST_LINE, message: "frontmatter must be a YAML mapping of key: value" };
  const keyLines: Record<string, number> = {};
  const contents = doc.contents;
  if (YAML.isMap(contents)) {
    for (const pair of contents.items) {
      const key = pair.key;
      if (YAML.isScalar(key) && key.range) setOwn(keyLines, String(key.value), lineAt(key.range[0]));
    }
  }
  return { data, keyLines };
}


// `[^]*`, not `.*`: `.` stops at U+2028, and `$` failing there made the engine retry every
// split of the spaces before it (quadratic; 160k spaces took 21 s).
const KEY = /^([A-Za-z0-9_][\w.-]*)[ \t]*:(?:[ \t]+([^]*))?$/;
const BLOCK = /^[>|][+-]?\d*$/;

/** Tolerant reading: top-level `key: value`, block scalars, and one level of nesting. First key wins. */
function parseLines(src: string): { data: Record<string, unknown>; keyLines: Record<string, number> } {
  const lines = src.split("\n");
  const data: Record<string, unknown> = {};
  const keyLines: Record<string, number> = {};
  for (let i = 0; i < lines.length; i++) {
    const m = KEY.exec(lines[i]!);
    if (!m) continue;
    const key = m[1]!;
    const value = (m[2] ?? "").trim();
    let j = i + 1;
    while (j < lines.length && (lines[j]!.trim() === "" || /^[ \t]/.test(lines[j]!))) j++;
    const block = lines.slice(i + 1, j).map((l) => l.trim());
    if (Object.hasOwn(data, key)) continue;
    setOwn(keyLines, key, i + FIRST_LINE);
    if (BLOCK.test(value)) setOwn(data, key, block.join(value.startsWith("|") ? "\n" : " ").trim());
    else if (value === "") setOwn(data, key, nested(block));
    else setOwn(data, key, unquote(value));
    i = j - 1;
  }
  return { data, keyLines };
}

function nested(block: string[]): unknown {
  const items = block.filter((l) => l !== "");
  if (items.length === 0) return null;
  if (items.every((l) => l.startsWith("- "))) return items.map((l) => unquote(l.slice(2).trim()));
  const out: Record<string, unknown> = {};
  for (const l of items) {
    const m = KEY.exec(l);
    if (m && !Object.hasOwn(out, m[1]!)) setOwn(out, m[1]!, unquote((m[2] ?? "").trim()));
  }
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    try {
      return JSON.parse(v) as string;
    } catch {
      return v.slice(1, -1);
    }
  }
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  return v;
}
