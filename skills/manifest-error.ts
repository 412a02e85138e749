// One place that shapes load errors, so every message reads the same way:
// `<file>[:<line>]: <field>: <what is wrong and what is expected>`.
import { fail } from "../runtime/contracts/errors.ts";
import type { LoadWarning } from "../runtime/contracts/skill.ts";

/** A rule violation found while reading a manifest; strict mode throws it, lenient mode may warn. */
export interface ManifestIssue {
  file: string;
  line?: number;
  field?: string;
  message: string;
  hint?: string;
}

export function issueText(i: ManifestIssue): string {
  const where = i.line === undefined ? i.file : `${i.file}:${i.line}`;
  return i.field ? `${where}: ${i.field}: ${i.message}` : `${where}: ${i.message}`;
}

export function throwIssue(i: ManifestIssue, hint?: string): never {
  fail("invalid_manifest", issueText(i), i.hint ?? hint, { file: i.file, ...(i.field ? { field: i.field } : {}) });
}

export function invalidManifest(file: string, field: string | undefined, message: string, line?: number): never {
  throwIssue({ file, field, message, line });
}

export function toWarning(i: ManifestIssue): LoadWarning {
  const file = i.line === undefined ? i.file : `${i.file}:${i.line}`;
  return i.field ? { file, field: i.field, message: i.message } : { file, message: i.message };
}

/** A short, quoted rendering of a manifest value for messages; never the whole input. */
export function show(value: unknown, max = 40): string {
  let s: string;
  try {
    s = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** `["permissions", 1, "net"]` → `permissions[1].net`. */
export function fieldPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(p))) out += out ? `.${String(p)}` : String(p);
    else out += `[${show(String(p))}]`;
  }
  return out;
}

/** What `typeof` would say, in JSON words, for "expected X, got Y" messages. */
export function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
