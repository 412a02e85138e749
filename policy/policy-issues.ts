// Turns the first zod issue into the one-line MoltFailure users see:
// `policy.yaml:12: skills.web_fetch.allow.net[2]: "*.*.com" is not a valid host pattern; expected ...`
import type { z } from "zod";
import { fail } from "../runtime/contracts/errors.ts";
import { allowedKeysAt } from "./schema.ts";
import { quote } from "./quote.ts";
import { type YamlSource, formatPath, lineAt } from "./yaml-source.ts";

export { formatPath };

/**
 * What a message may say about a value (config.yaml's): `from` is the reference it was expanded
 * from, as written (`${PORT}`), when it is not as written in the file; `hidden` when it may be a
 * secret and must not be shown.
 */
export interface ValueOrigin {
  from?: string;
  hidden: boolean;
}

export type OriginOf = (path: readonly PropertyKey[]) => ValueOrigin | undefined;

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

/** The value as a message shows it: with where it came from, or only that when it may be secret. */
function shown(value: unknown, origin: ValueOrigin | undefined): string {
  if (origin?.hidden) return `${origin.from ? `the value of ${origin.from}` : kindOf(value)} (not shown: it may be a secret)`;
  return origin?.from ? `${typeName(value)} from ${origin.from}` : typeName(value);
}

/** typeName without the value itself. */
function kindOf(v: unknown): string {
  if (v === null || Array.isArray(v) || typeof v === "object") return typeName(v);
  return `a ${typeof v}`;
}

function describe(issue: z.core.$ZodIssue, src: YamlSource, allowedKeys: (path: readonly PropertyKey[]) => string[], originOf: OriginOf): string {
  const value = valueAt(src.data, issue.path);
  const origin = value === undefined ? undefined : originOf(issue.path);
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return `is required; expected ${issue.path.at(-1) === "version" ? "1" : EXPECTED_TYPE[issue.expected] ?? issue.expected}`;
      return `got ${shown(value, origin)}; expected ${EXPECTED_TYPE[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      if (value === undefined) return `is required; expected ${issue.values.map((v) => String(v)).join(" | ")}`;
      return `got ${shown(value, origin)}; expected ${issue.values.map((v) => String(v)).join(" | ")}`;
    case "unrecognized_keys":
      return `unknown key ${quote(issue.keys[0] ?? "")}; allowed keys: ${allowedKeys(issue.path).join(", ")}`;
    case "invalid_key":
      return issue.issues[0]?.message ?? "invalid key";
    default:
      if (origin?.hidden) return `${issue.message} (${origin.from ? `the value of ${origin.from}` : "the value"} is not shown: it may be a secret)`;
      return origin?.from ? `${issue.message} (got ${shown(value, origin)})` : issue.message;
  }
}

/**
 * `allowedKeys` lists the keys a mapping at a path may have (the policy schema's by default);
 * `originOf` says which values are not as written in the file (`src.data` then holds them as
 * they were checked).
 */
export function failOnIssue(
  issue: z.core.$ZodIssue, src: YamlSource, allowedKeys: (path: readonly PropertyKey[]) => string[] = allowedKeysAt,
  originOf: OriginOf = () => undefined,
): never {
  const unknownKey = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
  const line = lineAt(src, issue.path, unknownKey);
  const path = formatPath(unknownKey === undefined ? issue.path : [...issue.path, unknownKey]);
  const where = path === "" ? "" : `${path}: `;
  fail(src.errors.code, `${src.file}:${line}: ${where}${describe(issue, src, allowedKeys, originOf)}`, src.errors.hint);
}
