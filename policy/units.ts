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
export const SIZE_EXPECTED = "expected a size like 64MiB, 512KiB, 1GiB or 1MB";
