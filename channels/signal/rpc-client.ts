// JSON-RPC 2.0 over signal-cli's `POST /api/v1/rpc` (signal-cli-jsonrpc(5)). Method names and
// camelCase params are the CLI's commands; `account` rides on every call so the same code
// works against a multi-account daemon. A rate-limit error (-5) is retried after the
// `retryAfterSeconds` signal-cli reports; other errors become `channel_error`, one line, with
// signal-cli's message but never our params (they hold message text and attachments).
//
// A `send` also rides out a daemon restart: it is repeated with backoff (500 ms doubling to
// 5 s) for up to 30 s, as the WhatsApp channel waits for its socket, when no signal-cli could
// have handled it — the connection was refused, the name did not resolve, the host was
// unreachable, or a proxy in front answered 502/503 — and, at-least-once, when the connection
// was reset before any response. Not repeated, since the message may already be on its way: a
// timeout after the request went out, an HTTP 500/504, any JSON-RPC error but a rate limit, and
// any 4xx.
import { fail, MoltFailure } from "../../runtime/contracts/errors.ts";
import type { SignalConfig } from "./config.ts";

/** signal-cli's error codes (SignalJsonRpcCommandHandler). */
const RATE_LIMIT = -5;
const UNTRUSTED_KEY = -4;

/** The methods repeated through an outage: they deliver something to a chat. */
const RETRIED_ON_OUTAGE = new Set(["send"]);
const GATEWAY = new Set([502, 503]);
const OUTAGE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "EPIPE", "ECONNABORTED", "ConnectionRefused", "ConnectionClosed"]);

export interface OutageRetry {
  /** Give up once the next attempt would start later than this after the first (default 30 s). */
  windowMs?: number;
  initialMs?: number;
  maxMs?: number;
}

export interface RpcOptions {
  /** Longest wait honoured for a rate limit before giving up (ms). */
  maxRetryWaitMs?: number;
  retries?: number;
  timeoutMs?: number;
  outage?: OutageRetry;
  /** Told before each repeat of a call through an outage. */
  onRetry?: (method: string, cause: string, waitMs: number) => void;
}

export class RpcClient {
  #seq = 0;
  readonly #cfg: SignalConfig;
  readonly #opts: Required<Omit<RpcOptions, "onRetry">> & Pick<RpcOptions, "onRetry">;
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #closed = new AbortController();

  constructor(cfg: SignalConfig, opts: RpcOptions = {}) {
    this.#cfg = cfg;
    this.#opts = {
      maxRetryWaitMs: opts.maxRetryWaitMs ?? 60_000, retries: opts.retries ?? 2, timeoutMs: opts.timeoutMs ?? 60_000,
      outage: { windowMs: 30_000, initialMs: 500, maxMs: 5_000, ...opts.outage }, onRetry: opts.onRetry,
    };
  }

  call<T = unknown>(method: string, params: Record<string, unknown>): Promise<T> {
    const p = this.#callWithRetry<T>(method, params);
    this.#inflight.add(p);
    void p.catch(() => {}).finally(() => this.#inflight.delete(p));
    return p;
  }

  /** Stops repeating calls through an outage, then waits for calls already started (disconnect drains in-flight sends). */
  async drain(): Promise<void> {
    this.#closed.abort();
    await Promise.allSettled([...this.#inflight]);
  }

  async #callWithRetry<T>(method: string, params: Record<string, unknown>): Promise<T> {
    const started = Date.now();
    const { windowMs = 30_000, initialMs = 500, maxMs = 5_000 } = this.#opts.outage;
    let rateLimited = 0;
    for (let outages = 0; ; ) {
      try {
        return await this.#once<T>(method, params);
      } catch (err) {
        const cause = RETRIED_ON_OUTAGE.has(method) && err instanceof MoltFailure ? err.error.details?.outage : undefined;
        if (typeof cause === "string") {
          const wait = Math.min(maxMs, initialMs * 2 ** outages++);
          const elapsed = Date.now() - started;
          if (this.#closed.signal.aborted || elapsed + wait > windowMs) {
            // With no retry made (a window of 0 turns them off) the caller gets the failure as it came.
            if (outages === 1) throw err;
            fail("channel_error", `signal: signal-cli at ${this.#cfg.origin} was unreachable for ${Math.round(elapsed / 1000)} s (${method}: ${cause}); gave up, the message was not sent`, "is `signal-cli daemon --http` running at channels.signal.url?");
          }
          this.#opts.onRetry?.(method, cause, wait);
          await sleep(wait, this.#closed.signal);
          continue;
        }
        const wait = err instanceof MoltFailure && err.error.code === "rate_limited" ? Number(err.error.details?.retryAfterMs ?? 0) : -1;
        if (wait < 0 || rateLimited++ >= this.#opts.retries || wait > this.#opts.maxRetryWaitMs) throw err;
        await Bun.sleep(wait);
      }
    }
  }

  async #once<T>(method: string, params: Record<string, unknown>): Promise<T> {
    const id = ++this.#seq;
    let res: Response;
    try {
      res = await fetch(`${this.#cfg.origin}${this.#cfg.base}/api/v1/rpc`, {
        method: "POST",
        headers: { "content-type": "application/json", ...this.#cfg.headers },
        body: JSON.stringify({ jsonrpc: "2.0", id, method, params: { account: this.#cfg.account, ...params } }),
        signal: AbortSignal.timeout(this.#opts.timeoutMs),
      });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      fail("channel_error", `signal: cannot reach signal-cli at ${this.#cfg.origin} (${method}): ${(err as Error).message.split("\n")[0]}`, "is `signal-cli daemon --http` running at channels.signal.url?",
        typeof code === "string" && OUTAGE_CODES.has(code) ? { outage: code } : undefined);
    }
    if (!res.ok) fail("channel_error", `signal: signal-cli answered HTTP ${res.status} to ${method}`, undefined, GATEWAY.has(res.status) ? { outage: `HTTP ${res.status}` } : undefined);
    let body: { result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      fail("channel_error", `signal: signal-cli sent a malformed JSON-RPC reply to ${method}`);
    }
    // `null`, a number or a batch array is valid JSON but no JSON-RPC response object.
    if (!body || typeof body !== "object" || Array.isArray(body)) fail("channel_error", `signal: signal-cli sent a malformed JSON-RPC reply to ${method}`);
    if (body.error) {
      const code = typeof body.error.code === "number" ? body.error.code : 0;
      const message = typeof body.error.message === "string" ? body.error.message.split("\n")[0]?.slice(0, 200) : "unknown error";
      if (code === RATE_LIMIT) fail("rate_limited", `signal: rate limited by the Signal server (${method})`, "wait a moment and try again", { retryAfterMs: retryAfterMs(body.error.data) });
      const hint = code === UNTRUSTED_KEY ? "the recipient's safety number changed: verify it, then `signal-cli trust` them" : undefined;
      fail("channel_error", `signal: ${method} failed: ${message} (code ${code})`, hint);
    }
    return (body as { result: T }).result;
  }
}

/** The longest `retryAfterSeconds` among the failed recipients of a send, as ms (default 1 s). */
function retryAfterMs(data: unknown): number {
  const results = (data as { response?: { results?: unknown } } | null)?.response?.results;
  let secs = 1;
  if (Array.isArray(results)) {
    const waits = results.map((r) => (r as { retryAfterSeconds?: unknown })?.retryAfterSeconds).filter((s): s is number => typeof s === "number" && s >= 0);
    if (waits.length) secs = Math.max(...waits);
  }
  return secs * 1000;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => { clearTimeout(t); signal.removeEventListener("abort", done); resolve(); };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
