// The chain: each entry's hash covers the previous hash and the entry's own canonical JSON
// (without `hash`), so editing, deleting, inserting or reordering lines breaks it.
import { canonicalJson } from "./canonical-json.ts";
import { jsonSafe, redact } from "./redact.ts";

export const GENESIS_HASH = `sha256:${"0".repeat(64)}`;

/** `sha256:` + hex SHA-256 of the text's UTF-8 (Bun's one-shot hash: on a tool call's few KB,
 *  a quarter of node:crypto's time after an idle spell). */
export function sha256(text: string): string {
  return `sha256:${Bun.SHA256.hash(text, "hex") as string}`;
}

/** `sha256:` + hex sha256 of (prev_hash + canonical JSON of the entry without `hash`). */
export function entryHash(entry: { prev_hash: string; hash?: unknown }): string {
  const { hash: _ignored, ...rest } = entry;
  return sha256(entry.prev_hash + canonicalJson(rest));
}

/**
 * A call's `output_hash`: of the output's canonical JSON, so the line proves what the tool
 * returned. An output that is not I-JSON (a lone surrogate from a remote node, a NaN from a
 * built-in tool) is hashed in its JSON-safe form (U+FFFD, null), never a failed call. Never
 * throws, so a call always gets its audit line: an output too deep to walk (sandbox results
 * and gateway frames are refused past MAX_JSON_DEPTH levels, so only a caller's bug gets here)
 * is hashed as its first 64 levels.
 */
export function outputHash(output: unknown): string {
  let text: string;
  try {
    text = canonicalJson(output ?? null);
  } catch {
    try {
      text = canonicalJson(jsonSafe(output ?? null));
    } catch {
      text = canonicalJson(redact(output ?? null, { secrets: [], byName: false }));
    }
  }
  return sha256(text);
}
