// The chain: each entry's hash covers the previous hash and the entry's own canonical JSON
// (without `hash`), so editing, deleting, inserting or reordering lines breaks it.
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.ts";

export const GENESIS_HASH = `sha256:${"0".repeat(64)}`;

/** `sha256:` + hex sha256 of (prev_hash + canonical JSON of the entry without `hash`). */
export function entryHash(entry: { prev_hash: string; hash?: unknown }): string {
  const { hash: _ignored, ...rest } = entry;
  const digest = createHash("sha256").update(entry.prev_hash + canonicalJson(rest), "utf8").digest("hex");
  return `sha256:${digest}`;
}
