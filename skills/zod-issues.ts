// Turns a zod issue into our one-line message. zod/mini ships no locale (its default text is
// "Invalid input"), which suits us: we say what is expected in our own words.
import type * as z from "zod/mini";
import { fieldPath, jsonType, show } from "./manifest-error.ts";

type Issue = z.core.$ZodIssue;

/** Parse options that keep zod's default text "Invalid input" even when another part of the
 *  process (policy/, using full zod) has installed zod's English locale globally; messages a
 *  schema sets itself still win. */
export const PLAIN_ERRORS = { error: () => "Invalid input" } as const;

export function describeIssue(issue: Issue, input: unknown, prefix = ""): { field: string; message: string } {
  if (issue.code === "unrecognized_keys") {
    const custom = issue.message !== "Invalid input" ? issue.message : "";
    return { field: fieldPath([...issue.path, issue.keys[0] ?? ""], prefix), message: custom || "unknown field" };
  }
  const field = fieldPath(issue.path, prefix) || prefix || "(top level)";
  if (issue.message && issue.message !== "Invalid input") return { field, message: issue.message };
  switch (issue.code) {
    case "invalid_type": {
      const got = valueAt(input, issue.path);
      return { field, message: got === undefined ? `required; expected ${issue.expected}` : `expected ${issue.expected}, got ${jsonType(got)}` };
    }
    case "invalid_value":
      return { field, message: `expected one of ${issue.values.map((v) => show(v)).join(", ")}` };
    case "too_small":
      return { field, message: `must have at least ${String(issue.minimum)} ${issue.origin === "string" ? "characters" : "items"}` };
    case "too_big":
      return { field, message: `must have at most ${String(issue.maximum)} ${issue.origin === "string" ? "characters" : "items"}` };
    default:
      return { field, message: "is not valid" };
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}
