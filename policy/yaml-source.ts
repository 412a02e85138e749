// Reads YAML text strictly (DESIGN §5): one document, unique keys, a small alias bound, at most
// 1 MiB, and keeps the parsed Document so later errors can name the line they are about.
import { type Document, LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments } from "yaml";
import { fail, type ErrorCode } from "../runtime/contracts/errors.ts";
import { firstDuplicateKey } from "../runtime/contracts/yaml-duplicates.ts";

export const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_ALIASES = 10;

/** How a file's errors are reported: policy.yaml by default; config.yaml reuses this reader. */
export interface YamlErrors {
  code: ErrorCode;
  hint: string;
  /** What the file is, for messages: "policy", "config". */
  noun: string;
  /** Top-level keys named in the "expected a mapping" message. */
  keys: string;
}

export const POLICY_ERRORS: YamlErrors = {
  code: "invalid_policy",
  hint: "fix policy.yaml; see docs/policy.md for the format",
  noun: "policy",
  keys: "version, trust, skills, ...",
};

export interface YamlSource {
  file: string;
  errors: YamlErrors;
  doc: Document.Parsed;
  /** The line (1-based) of an offset, never past the file's last line. */
  lineOf(offset: number): number;
  data: unknown;
}

/** `skills.web_fetch.allow.net[2]`: a path into the data as messages show it. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const step of path) {
    if (typeof step === "number") out += `[${step}]`;
    else out += (out === "" ? "" : ".") + String(step);
  }
  return out;
}

/** The line of the text's last character, a final line break aside. */
function lastLine(text: string, lines: LineCounter): number {
  let end = text.length;
  if (text.endsWith("\n")) end--;
  if (text[end - 1] === "\r") end--;
  return lines.linePos(Math.max(0, end - 1)).line;
}

export function readYaml(text: string, file: string, errors: YamlErrors = POLICY_ERRORS): YamlSource {
  // Declared with its type so that TypeScript narrows after a call (it never returns).
  const bad: (file: string, line: number | null, message: string) => never = (file, line, message) =>
    fail(errors.code, `${file}${line === null ? "" : `:${line}`}: ${message}`, errors.hint);
  if (new TextEncoder().encode(text).length > MAX_POLICY_BYTES) bad(file, null, `file is larger than 1 MiB; expected a small ${errors.noun} file`);
  const lines = new LineCounter();
  // The parser reports a problem at the end of the text (an unclosed `[`) on the line after a
  // final line break, a line the file does not have: such offsets count as the last line.
  let last: number | undefined;
  const lineOf = (offset: number) => Math.min(lines.linePos(offset).line, (last ??= lastLine(text, lines)));
  // `uniqueKeys: true` compares each key with every earlier one (40k keys took 7 s), so
  // firstDuplicateKey finds them in one pass instead.
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, strict: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length > 1) {
    const second = list[1]?.range[0] ?? 0;
    bad(file, lineOf(second), "several YAML documents; expected exactly one");
  }
  const doc = list[0];
  if (!doc || doc.contents === null) bad(file, null, errors.noun === "policy" ? "file is empty; expected a policy with at least `version: 1`" : `file is empty; expected a ${errors.noun} mapping (${errors.keys})`);
  const dup = firstDuplicateKey(doc.contents, { isMap, isScalar, isSeq });
  const error = doc.errors[0];
  if (dup !== undefined && (!error || dup.offset <= error.pos[0])) {
    bad(file, lineOf(dup.offset), `invalid YAML: duplicate key ${formatPath(dup.path)}; each key may appear only once`);
  }
  const problem = error ?? doc.warnings[0];
  if (problem) bad(file, lineOf(problem.pos[0]), `invalid YAML: ${problem.message.split("\n")[0]}`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    bad(file, null, `YAML aliases expand too far; expected at most ${MAX_ALIASES} alias uses`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    bad(file, lineOf(doc.contents?.range[0] ?? 0), `expected a mapping of keys (${errors.keys})`);
  }
  return { file, errors, doc, lineOf, data };
}

/**
 * The line of the node at `path` (or of the closest existing ancestor). With `keyOf`, the line
 * of that key inside the mapping at `path`, for unknown-key errors.
 */
export function lineAt(src: YamlSource, path: readonly PropertyKey[], keyOf?: string): number {
  let node: unknown = src.doc.contents;
  let pos = src.doc.contents?.range[0] ?? 0;
  const steps = keyOf === undefined ? path : [...path, keyOf];
  for (const [i, step] of steps.entries()) {
    const isKeyStep = keyOf !== undefined && i === steps.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) break;
      const target = isKeyStep ? pair.key : pair.value;
      const range = (target as { range?: [number, number, number] } | null)?.range ?? (pair.key as { range?: number[] }).range;
      if (range) pos = range[0] as number;
      node = target;
    } else if (isSeq(node) && typeof step === "number") {
      const item = node.items[step] as { range?: number[] } | undefined;
      if (!item?.range) break;
      pos = item.range[0] as number;
      node = item;
    } else break;
  }
  return src.lineOf(pos);
}
