// The log is the record, so long values are kept, but one entry is capped so that a single
// call cannot produce a line no tool can handle. Long strings are cut, with a marker saying
// how much was dropped, until the entry fits.
import { setOwn } from "../contracts/set-own.ts";

/** Bytes one line (entry + newline) may take. */
export const MAX_ENTRY_BYTES = 64 * 1024;

const STEPS = [16384, 4096, 1024, 256, 64];

/**
 * Returns `value` unchanged if `size(value)` fits `limit`, else a copy with ever shorter
 * strings; if even that does not fit, `fallback(originalBytes)`.
 */
export function fitToLimit<T>(value: T, limit: number, size: (v: T) => number, fallback: (bytes: number) => T): T {
  const original = size(value);
  if (original <= limit) return value;
  for (const max of STEPS) {
    const cut = capStrings(value, max) as T;
    if (size(cut) <= limit) return cut;
  }
  return fallback(original);
}

export function capStrings(value: unknown, max: number): unknown {
  if (typeof value === "string") return capString(value, max);
  if (Array.isArray(value)) return value.map((v) => capStrings(v, max));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, capString(k, max), capStrings(v, max));
    return out;
  }
  return value;
}

function capString(s: string, max: number): string {
  if (s.length <= max) return s;
  // Do not split a surrogate pair: the result must stay well-formed for the canonical hash.
  const end = /[\ud800-\udbff]/.test(s[max - 1] ?? "") ? max - 1 : max;
  return `${s.slice(0, end)}…[truncated ${s.length - end} chars]`;
}
