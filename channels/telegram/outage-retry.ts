// Outbound calls through a short Bot API outage: a grammy transformer that repeats a send when
// no Bot API server could have handled it, with backoff, for up to a window (30 s, as long as
// the WhatsApp channel waits for its socket), then gives up with one clear error.
//
// What is retried, and why (a retry must not risk a message the user already has):
// - the connection failed before any response: refused, DNS failure, host/network unreachable,
//   connect timeout — nothing reached Telegram;
// - the connection was reset or closed before a response — the request may have been written,
//   but no answer came: at-least-once, a rare duplicate beats a lost answer;
// - HTTP 502 / 503: a gateway in front of the Bot API could not reach it, or it is unavailable.
// Not retried: any 4xx (bad request, bot blocked, …; 429 is `retryOn429`'s), 500 and 504 (a
// server took the request and may have sent the message), a request that timed out after it
// was sent, a reply that is not JSON, and anything after the channel was stopped.
import { HttpError, type Transformer } from "grammy";
import { Backoff, sleep } from "./retry.ts";

export interface OutageRetryOptions {
  /** Give up once the next attempt would start later than this after the first (default 30 s). */
  windowMs?: number;
  /** First wait, doubling up to `maxMs` (defaults 500 ms and 5 s). */
  initialMs?: number;
  maxMs?: number;
}

/** The Bot API methods that deliver something to a chat. */
const SENDS = new Set(["sendMessage", "sendPhoto", "editMessageText"]);
const GATEWAY = new Set([502, 503]);
const BEFORE_SENDING = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ConnectionRefused"]);
const NO_RESPONSE = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET", "ConnectionClosed"]);

/** The network reason a failed call may be repeated for, or null when it must not be. */
export function outageCause(err: unknown): string | null {
  if (!(err instanceof HttpError)) return null;
  const code = (err.error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (BEFORE_SENDING.has(code) || NO_RESPONSE.has(code)) ? code : null;
}

export class BotApiUnreachable extends Error {
  constructor(method: string, seconds: number, cause: string) {
    super(`the Bot API was unreachable for ${seconds} s (${method}: ${cause}); gave up, the message was not sent`);
    this.name = "BotApiUnreachable";
  }
}

export function retryOnOutage(stop: AbortSignal, onRetry: (method: string, cause: string, waitMs: number) => void, opts: OutageRetryOptions = {}): Transformer {
  const windowMs = opts.windowMs ?? 30_000;
  return async (prev, method, payload, signal) => {
    if (!SENDS.has(method)) return prev(method, payload, signal);
    const started = Date.now();
    const backoff = new Backoff(opts.initialMs ?? 500, opts.maxMs ?? 5_000);
    for (let retried = false; ; retried = true) {
      let cause: string;
      let asItCame: () => ReturnType<typeof prev>;
      try {
        const res = await prev(method, payload, signal);
        if (res.ok || !GATEWAY.has(res.error_code)) return res;
        cause = `HTTP ${res.error_code}`;
        asItCame = async () => res;
      } catch (err) {
        const c = outageCause(err);
        if (!c || stop.aborted) throw err;
        cause = c;
        asItCame = () => Promise.reject(err);
      }
      const wait = backoff.next();
      if (stop.aborted || Date.now() - started + wait > windowMs) {
        // With no retry made (a window of 0 turns them off) the caller gets the failure as it came.
        if (!retried) return asItCame();
        throw new BotApiUnreachable(method, Math.round((Date.now() - started) / 1000), cause);
      }
      onRetry(method, cause, wait);
      await sleep(wait, stop);
      if (stop.aborted) throw new BotApiUnreachable(method, Math.round((Date.now() - started) / 1000), `${cause}, then the channel stopped`);
    }
  };
}
