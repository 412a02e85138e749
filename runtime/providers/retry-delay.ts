// How long to wait before the next attempt: what the server asked for (Retry-After in seconds or
// as an HTTP date, or OpenAI's retry-after-ms), else exponential backoff with jitter so many
// clients hitting one limit do not retry in lockstep. Always capped.

export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  // An HTTP date always names a month; this keeps "-4" from parsing as the year -4.
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function backoffMs(attempt: number, baseMs: number, random = Math.random): number {
  const exp = baseMs * 2 ** attempt;
  return exp / 2 + random() * (exp / 2);
}

export function retryDelayMs(attempt: number, headers: Headers | undefined, opts: { baseMs: number; maxMs: number }, random = Math.random): number {
  const asked = retryAfterMs(headers);
  return Math.min(opts.maxMs, asked ?? backoffMs(attempt, opts.baseMs, random));
}

/** Resolves after ms, or at once when the signal aborts (the caller checks which). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); signal.removeEventListener("abort", done); resolve(); };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
