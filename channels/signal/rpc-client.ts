// JSON-RPC 2.0 over signal-cli's `POST /api/v1/rpc` (signal-cli-jsonrpc(5)). Method names and
// camelCase params are the CLI's commands; `account` rides on every call so the same code
// works against a multi-account daemon. A rate-limit error (-5) is retried after the
// `retryAfterSeconds` signal-cli reports; other errors become `channel_error`, one line, with
// signal-cli's message but never our params (they hold message text and attachments).
import { fail, MoltFailure } from "../../runtime/contracts/errors.ts";
import type { SignalConfig } from "./config.ts";

/** signal-cli's error codes (SignalJsonRpcCommandHandler). */
const RATE_LIMIT = -5;
const UNTRUSTED_KEY = -4;

export interface RpcOptions {
  /** Longest wait honoured for a rate limit before giving up (ms). */
  maxRetryWaitMs?: number;
  retries?: number;
  timeoutMs?: number;
}

export class RpcClient {
  #seq = 0;
  readonly #cfg: SignalConfig;
  readonly #opts: Required<RpcOptions>;
  readonly #inflight = new Set<Promise<unknown>>();

  constructor(cfg: SignalConfig, opts: RpcOptions = {}) {
    this.#cfg = cfg;
    this.#opts = { maxRetryWaitMs: opts.maxRetryWaitMs ?? 60_000, retries: opts.retries ?? 2, timeoutMs: opts.timeoutMs ?? 60_000 };
  }

  call<T = unknown>(method: string, params: Record<string, unknown>): Promise<T> {
    const p = this.#callWithRetry<T>(method, params);
    this.#inflight.add(p);
    void p.catch(() => {}).finally(() => this.#inflight.delete(p));
    return p;
  }

  /** Waits for calls already started (disconnect drains in-flight sends). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inflight]);
  }

  async #callWithRetry<T>(method: string, params: Record<string, unknown>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once<T>(method, params);
      } catch (err) {
        const wait = err instanceof MoltFailure && err.error.code === "rate_limited" ? Number(err.error.details?.retryAfterMs ?? 0) : -1;
        if (wait < 0 || attempt >= this.#opts.retries || wait > this.#opts.maxRetryWaitMs) throw err;
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
      fail("channel_error", `signal: cannot reach signal-cli at ${this.#cfg.origin} (${method}): ${(err as Error).message.split("\n")[0]}`, "is `signal-cli daemon --http` running at channels.signal.url?");
    }
    if (!res.ok) fail("channel_error", `signal: signal-cli answered HTTP ${res.status} to ${method}`);
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
