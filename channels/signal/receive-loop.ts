// Keeps one `GET /api/v1/events` stream open: reconnects with exponential backoff and jitter
// after a refused connection, an HTTP error, the daemon closing the stream or a silent stream
// (signal-cli writes a keep-alive every 15 s, so 45 s of nothing means a dead connection).
// Resends the last SSE event id (`Last-Event-ID`) so a daemon that keeps recent events can
// resume exactly; events are handed over one at a time, in order.
import type { SignalConfig } from "./config.ts";
import { readSse, type SseEvent } from "./sse-stream.ts";

export interface LoopTiming {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  idleTimeoutMs?: number;
}

export interface LoopHooks {
  onEvent(ev: SseEvent): Promise<void>;
  onState(state: "connected" | "connecting", detail?: string): void;
  log(level: "info" | "warn" | "error", message: string): void;
  lastEventId(): string | undefined;
}

export class ReceiveLoop {
  readonly #cfg: SignalConfig;
  readonly #hooks: LoopHooks;
  readonly #t: Required<LoopTiming>;
  #stopped = false;
  #abort: AbortController | null = null;
  #wake: (() => void) | null = null;
  #done: Promise<void> | null = null;

  constructor(cfg: SignalConfig, hooks: LoopHooks, timing: LoopTiming = {}) {
    this.#cfg = cfg;
    this.#hooks = hooks;
    this.#t = { initialBackoffMs: timing.initialBackoffMs ?? 500, maxBackoffMs: timing.maxBackoffMs ?? 30_000, idleTimeoutMs: timing.idleTimeoutMs ?? 45_000 };
  }

  /** Starts the loop; resolves once the first attempt has connected or failed. */
  start(): Promise<void> {
    return new Promise((firstAttempt) => {
      this.#done = this.#run(firstAttempt);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    this.#wake?.();
    await this.#done;
  }

  async #run(firstAttempt: () => void): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      const why = await this.#connectOnce(() => {
        failures = 0;
        firstAttempt();
      });
      firstAttempt();
      if (this.#stopped) break;
      const delay = Math.min(this.#t.maxBackoffMs, this.#t.initialBackoffMs * 2 ** failures) * (0.8 + Math.random() * 0.4);
      failures = Math.min(failures + 1, 30);
      this.#hooks.onState("connecting", why);
      this.#hooks.log("warn", `event stream ${why}; reconnecting in ${Math.round(delay)} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.#wake = () => { clearTimeout(timer); resolve(); };
      });
      this.#wake = null;
    }
  }

  /** One connection, until it ends; returns why it ended. */
  async #connectOnce(onOpen: () => void): Promise<string> {
    const abort = new AbortController();
    this.#abort = abort;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(new Error("idle")), this.#t.idleTimeoutMs);
    };
    try {
      const headers: Record<string, string> = { accept: "text/event-stream", ...this.#cfg.headers };
      const last = this.#hooks.lastEventId();
      if (last !== undefined) headers["last-event-id"] = last;
      touch();
      const res = await fetch(`${this.#cfg.origin}${this.#cfg.base}/api/v1/events?account=${encodeURIComponent(this.#cfg.account)}`, { headers, signal: abort.signal });
      if (!res.ok || !res.body) {
        await res.body?.cancel().catch(() => {});
        return `refused (HTTP ${res.status})`;
      }
      this.#hooks.onState("connected");
      onOpen();
      for await (const ev of readSse(res.body, touch)) {
        if (this.#stopped) break;
        await this.#hooks.onEvent(ev);
      }
      return "closed by signal-cli";
    } catch (err) {
      if (this.#stopped) return "stopped";
      if (abort.signal.reason instanceof Error && abort.signal.reason.message === "idle") return `silent for ${this.#t.idleTimeoutMs} ms`;
      return `failed (${(err as Error).message.split("\n")[0]})`;
    } finally {
      clearTimeout(idle);
      abort.abort();
    }
  }
}
