// Durations and sizes as users write them in policy.yaml, turned into plain numbers so the
// parsed policy stays structured-cloneable.

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Longest duration: a timer of more (2^31 − 1 ms, about 24 days) fires at once. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** "120s" → 120000, "2m" → 120000, "500ms" → 500; null when malformed, not positive or too long. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const ms = Math.round(Number(m[1]) * (DURATION_MS[m[2] as string] as number));
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : null;
}

const SIZE = /^(\d+(?:\.\d+)?)\s?(B|KB|KiB|MB|MiB|GB|GiB)$/;
const SIZE_BYTES: Record<string, number> = {
  B: 1,
  KB: 1_000,
  KiB: 1_024,
  MB: 1_000_000,
  MiB: 1_048_576,
  GB: 1_000_000_000,
  GiB: 1_073_741_824,
};

/** "64MiB" → 67108864, "1MB" → 1000000; null when malformed or not positive. */
export function parseSize(text: string): number | null {
  const m = SIZE.exec(text.trim());
  if (!m) return null;
  const bytes = Math.floor(Number(m[1]) * (SIZE_BYTES[m[2] as string] as number));
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : null;
}

export const DURATION_EXPECTED = "expected a duration like 120s, 2m or 500ms, at most 596h";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * What the sandbox can do with each size limit, measured with it (quickjs-emscripten's sync
 * build in a Bun worker). Past these, every call failed as "sandbox failure" instead of
 * running or hitting its limit cleanly:
 * - memory: the WebAssembly heap holds at most 2 GiB (32768 pages; 4 GiB and more wrap
 *   around in the 32-bit build's sizes), and a context needs 12–16 KiB just to start. 1 MiB leaves room for
 *   a skill's source, and is the least the "used more than N MiB" message can name.
 * - stack: under 1 KiB the skill failed while compiling; 16 KiB runs a few dozen frames and
 *   compiles a large nested source. The sandbox grants at most 256 KiB (execute.ts STACK_CAP);
 *   more is accepted (the shipped policy says 1MiB) and granted as 256 KiB.
 * - output: the result is serialised inside that heap, so it cannot be larger.
 */
export const SIZE_RANGES = {
  memory: { min: MiB, max: 2 * GiB },
  stack: { min: 16 * KiB, max: 2 * GiB },
  output: { min: 1, max: 2 * GiB },
} as const;

export type SizeRange = (typeof SIZE_RANGES)[keyof typeof SIZE_RANGES];

/** 1048576 → "1MiB", 16384 → "16KiB", 1 → "1B": the largest binary unit that divides it. */
export function formatSize(bytes: number): string {
  for (const [unit, n] of [["GiB", GiB], ["MiB", MiB], ["KiB", KiB]] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return `${bytes}B`;
}

/** `parseSize`, and null also when the size is outside `range`. */
export function parseSizeIn(text: string, range: SizeRange): number | null {
  const n = parseSize(text);
  return n !== null && n >= range.min && n <= range.max ? n : null;
}

export function sizeExpected(range: SizeRange): string {
  return `expected a size like 64MiB or 512KiB, from ${formatSize(range.min)} to ${formatSize(range.max)}`;
}
