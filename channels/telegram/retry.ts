// Rate limits and reconnects. A grammy API transformer waits out Telegram's 429 `retry_after`
// and repeats the call (grammy's auto-retry plugin is not a dependency); `Backoff` spaces
// reconnect attempts after network errors: doubling from `initialMs` to `maxMs`, with jitter.
import type { Api, Transformer } from "grammy";

/** grammy's Node typings use the abort-controller polyfill's AbortSignal; the runtime object is the same. */
export type GrammySignal = Parameters<Api["getMe"]>[0];
export const gsig = (s: AbortSignal): GrammySignal => s as unknown as GrammySignal;

export interface RetryOptions {
  /** Attempts per call in all (default 4). */
  attempts?: number;
  /** A longer `retry_after` (seconds) is not waited out: the 429 goes to the caller (default 60). */
  maxWaitSeconds?: number;
  onWait?: (method: string, seconds: number) => void;
}

export function retryOn429(opts: RetryOptions = {}): Transformer {
  const attempts = opts.attempts ?? 4;
  const maxWait = opts.maxWaitSeconds ?? 60;
  return async (prev, method, payload, signal) => {
    for (let i = 1; ; i++) {
      const res = await prev(method, payload, signal);
      if (res.ok || res.error_code !== 429 || i >= attempts) return res;
      const wait = Number(res.parameters?.retry_after ?? 1);
      if (!(wait >= 0) || wait > maxWait) return res;
      opts.onWait?.(method, wait);
      await sleep(wait * 1000, signal as unknown as AbortSignal | undefined);
      if (signal?.aborted) return res;
    }
  };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => { clearTimeout(t); signal?.removeEventListener("abort", done); resolve(); };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}

export class Backoff {
  #next: number;
  constructor(readonly initialMs = 500, readonly maxMs = 30_000) { this.#next = initialMs; }
  /** The delay before the next attempt; each call doubles the one after. */
  next(): number {
    const d = this.#next;
    this.#next = Math.min(this.maxMs, this.#next * 2);
    return Math.round(d * (0.8 + Math.random() * 0.4));
  }
  reset(): void { this.#next = this.initialMs; }
}
