// The YAML + zod parser costs ~100 ms to import, more than a whole `moltbot policy check` may
// take. Commands therefore reach it only through here: loaded on first use, and skipped
// altogether when a cached parse of the very same text exists (see policy-cache.ts).
import type { Policy } from "./types.ts";

type ParseModule = typeof import("./parse-policy.ts");

let parser: ParseModule | null = null;

/** Parses policy text (pure). `file` is the name used in error messages. */
export function parsePolicy(text: string, file = "policy.yaml"): Policy {
  parser ??= require("./parse-policy.ts") as ParseModule;
  return parser.parsePolicy(text, file);
}
