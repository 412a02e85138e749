// Turns the first zod issue into the one-line MoltFailure users see:
// `policy.yaml:12: skills.web_fetch.allow.net[2]: "*.*.com" is not a valid host pattern; expected ...`
import type { z } from "zod";
import { fail } from "../runtime/contracts/errors.ts";
import { allowedKeysAt } from "./schema.ts";
import { quote } from "./quote.ts";
import { type YamlSource, lineAt } from "./yaml-source.ts";

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const step of path) {
    if (typeof step === "number") out += `[${step}]`;
    else out += (out === "" ? "" : ".") + String(step);
  }
  return out;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return typeof v === "string" ? `the string ${quote(v)}` : `${typeof v} ${String(v)}`;
}

const EXPECTED_TYPE: Record<string, string> = {
  object: "a mapping",
  record: "a mapping",
  array: "a list",
  string: "a string",
  boolean: "true or false",
  number: "a number",
};

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const step of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[step as string];
  }
  return v;
}

function describe(issue: z.core.$ZodIssue, src: YamlSource, allowedKeys: (path: readonly PropertyKey[]) => string[]): string {
  const value = valueAt(src.data, issue.path);
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return `is required; expected ${issue.path.at(-1) === "version" ? "1" : EXPECTED_TYPE[issue.expected] ?? issue.expected}`;
      return `got ${typeName(value)}; expected ${EXPECTED_TYPE[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      if (value === undefined) return `is required; expected ${issue.values.map((v) => String(v)).join(" | ")}`;
      return `got ${typeName(value)}; expected ${issue.values.map((v) => String(v)).join(" | ")}`;
    case "unrecognized_keys":
      return `unknown key ${quote(issue.keys[0] ?? "")}; allowed keys: ${allowedKeys(issue.path).join(", ")}`;
    case "invalid_key":
      return issue.issues[0]?.message ?? "invalid key";
    default:
      return issue.message;
  }
}

/** `allowedKeys` lists the keys a mapping at a path may have (the policy schema's by default). */
export function failOnIssue(
  issue: z.core.$ZodIssue, src: YamlSource, allowedKeys: (path: readonly PropertyKey[]) => string[] = allowedKeysAt,
): never {
  const unknownKey = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
  const line = lineAt(src, issue.path, unknownKey);
  const path = formatPath(unknownKey === undefined ? issue.path : [...issue.path, unknownKey]);
  const where = path === "" ? "" : `${path}: `;
  fail(src.errors.code, `${src.file}:${line}: ${where}${describe(issue, src, allowedKeys)}`, src.errors.hint);
}
