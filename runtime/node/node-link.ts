// The node's side of the gateway protocol (DESIGN §8, §9): connect as role "node" advertising
// skills and capabilities, answer `tool.invoke` requests with `res` frames, and reconnect with
// backoff whenever the socket is lost. Only a refused token ends the link by itself: retrying a
// wrong token would just trip the gateway's failed-auth limiter. stop() drains: no new calls,
// the running ones get `drainMs` to finish and answer, then they are cancelled (and still
// answered and audited as cancelled), and only then does the socket close.
import { isMoltError, moltError, toMoltError, type MoltError } from "../contracts/errors.ts";
import type { JSONSchema, ToolResult } from "../contracts/tool.ts";
import { wsUrl } from "../gateway/client.ts";
import { backoffDelay, DEFAULT_BACKOFF, type Backoff } from "./backoff.ts";
import { parseInvoke, type InvokeRequest } from "./invoke-frame.ts";

export interface AdvertisedSkill {
  name: string;
  description: string;
  parameters: JSONSchema;
  version: string;
}

export interface Advertisement {
  skills: AdvertisedSkill[];
  capabilities: Record<string, unknown>;
}

export interface NodeLinkOptions {
  url: string;
  token?: string;
  name: string;
  /** Read at every (re)connect, so skills installed meanwhile are offered. */
  advertise(): Promise<Advertisement>;
  /** Runs one call under the node's own policy; never trusted to have been checked upstream.
   *  `signal` aborts when the node stops and the call outlives the drain. */
  invoke(req: InvokeRequest, signal: AbortSignal): Promise<ToolResult>;
  onConnected?(info: { skills: number; reconnected: boolean }): void;
  onDisconnected?(info: { reason: string; retryInMs: number }): void;
  backoff?: Backoff;
  /** The gateway closes on frames over 1 MiB: a larger answer becomes an output_limit error. */
  maxFrameBytes?: number;
  connectTimeoutMs?: number;
  /** How long stop() lets running calls finish before cancelling them (default 5 s, as the
   *  gateway's own shutdown). */
  drainMs?: number;
}

export interface NodeLink {
  /** Settles when the link ends for good: null after stop(), the error when the gateway refused the token. */
  readonly done: Promise<MoltError | null>;
  readonly connected: boolean;
  /** Calls running now. */
  readonly inFlight: number;
  /** Takes no new calls, lets running ones finish (cancelling them after `drainMs`), then closes. */
  stop(): Promise<void>;
}

export function startNodeLink(opts: NodeLinkOptions): NodeLink {
  const link = new Link(opts);
  void link.open();
  return link;
}

class Link implements NodeLink {
  connected = false;
  readonly done: Promise<MoltError | null>;
  private finish!: (e: MoltError | null) => void;
  private ws: WebSocket | null = null;
  private stopped = false;
  private attempt = 0;
  private everConnected = false;
  private refusal: MoltError | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly running = new Set<{ abort: AbortController; settled: Promise<void> }>();
  private stopping: Promise<void> | null = null;
  private closing = false;

  constructor(private readonly opts: NodeLinkOptions) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  async open(): Promise<void> {
    if (this.stopped) return;
    let ad: Advertisement;
    try {
      ad = await this.opts.advertise();
    } catch (err) {
      return this.end(toMoltError(err));
    }
    if (this.stopped) return;
    const ws = new WebSocket(wsUrl(this.opts.url));
    this.ws = ws;
    this.refusal = null;
    const giveUp = setTimeout(() => ws.close(), this.opts.connectTimeoutMs ?? 10_000);
    let opened = false;
    ws.addEventListener("open", () => {
      opened = true;
      const params = { role: "node", name: this.opts.name, ...(this.opts.token ? { token: this.opts.token } : {}), skills: ad.skills, capabilities: ad.capabilities };
      ws.send(JSON.stringify({ type: "req", id: "connect", method: "connect", params }));
    });
    ws.addEventListener("message", (e) => this.onFrame(ws, String(e.data), ad, giveUp));
    ws.addEventListener("close", (e) => (clearTimeout(giveUp), this.onClose(ws, opened ? e.reason || `connection lost (${e.code})` : `cannot reach the gateway at ${this.opts.url}`)));
    ws.addEventListener("error", () => {}); // a close event follows and schedules the retry
  }

  get inFlight(): number {
    return this.running.size;
  }

  async stop(): Promise<void> {
    if (!this.stopped) this.stopping = this.shutdown();
    await this.done;
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.running.size > 0 && !(await this.settled(this.opts.drainMs ?? 5_000))) {
      for (const call of this.running) call.abort.abort();
      // A cancelled sandbox call ends at once; this only bounds one that ignores the signal.
      await this.settled(2_000);
    }
    this.closing = true;
    if (this.ws) {
      this.ws.close(1000, "node stopping");
      // Should the close event never come, do not hang the process.
      setTimeout(() => this.finish(null), 2_000).unref();
    } else this.finish(null);
  }

  /** Whether every running call settled within `ms`. */
  private async settled(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const all = Promise.allSettled([...this.running].map((c) => c.settled)).then(() => true);
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const done = await Promise.race([all, late]);
    clearTimeout(timer);
    return done;
  }

  private onFrame(ws: WebSocket, text: string, ad: Advertisement, giveUp: ReturnType<typeof setTimeout>): void {
    let frame: any;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame?.type === "res" && frame.id === "connect") {
      clearTimeout(giveUp);
      if (frame.ok) {
        this.connected = true;
        this.attempt = 0;
        this.opts.onConnected?.({ skills: ad.skills.length, reconnected: this.everConnected });
        this.everConnected = true;
        return;
      }
      const error = isMoltError(frame.error) ? frame.error : moltError("internal", "the gateway refused the node");
      if (error.code === "unauthorized") return this.end(error);
      this.refusal = error; // e.g. the name is still taken by our previous socket: retry later
      ws.close(1000, "retrying");
      return;
    }
    // Ids are what the gateway sends (DESIGN §8): a string or an integer. Anything else cannot be
    // answered (and echoing it back could be arbitrarily deep), so it is dropped.
    const id: unknown = frame?.id;
    const validId = (typeof id === "string" && id.length > 0 && id.length <= 64) || Number.isSafeInteger(id);
    if (frame?.type === "req" && this.connected && validId) {
      this.answer(ws, id, frame.method, frame.params).catch(() => {
        // A reply that cannot be sent (a closed socket) leaves the gateway's own timeout to end the call.
      });
    }
  }

  private async answer(ws: WebSocket, id: unknown, method: unknown, params: unknown): Promise<void> {
    const reply = (body: Record<string, unknown>) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: "res", id, ...body }));
    if (method !== "tool.invoke") return void reply({ ok: false, error: moltError("not_found", `a node does not answer ${String(method).slice(0, 64)}`) });
    if (this.stopped) return void reply({ ok: false, error: moltError("channel_error", `node ${this.opts.name} is stopping and takes no new calls`, "run it again once the node is back") });
    const req = parseInvoke(params);
    if (!req.ok) return void reply({ ok: false, error: req.error });
    const abort = new AbortController();
    let settle!: () => void;
    const call = { abort, settled: new Promise<void>((r) => (settle = r)) };
    this.running.add(call);
    let result: ToolResult;
    try {
      result = await this.opts.invoke(req.value, abort.signal);
    } catch (err) {
      result = { ok: false, error: toMoltError(err) };
    } finally {
      this.running.delete(call);
    }
    try {
      this.send(ws, id, req.value.tool, result);
    } finally {
      settle(); // after the answer is sent: stop() closes the socket only then
    }
  }

  private send(ws: WebSocket, id: unknown, tool: string, result: ToolResult): void {
    const reply = (body: Record<string, unknown>) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: "res", id, ...body }));
    const body = result.ok ? { ok: true, result: result.output ?? null } : { ok: false, error: result.error };
    const max = this.opts.maxFrameBytes ?? 1024 * 1024 - 1024;
    if (Buffer.byteLength(JSON.stringify({ type: "res", id, ...body })) > max) {
      return void reply({ ok: false, error: moltError("output_limit", `the result of ${tool} is larger than the gateway accepts (${max} bytes)`, "ask for less at a time") });
    }
    reply(body);
  }

  private onClose(ws: WebSocket, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.connected = false;
    // While stopping, running calls still finish (and are audited); shutdown() ends the link.
    if (this.stopped) return void (this.closing || !this.stopping ? this.finish(null) : undefined);
    const retryInMs = backoffDelay(this.attempt++, this.opts.backoff ?? DEFAULT_BACKOFF);
    this.opts.onDisconnected?.({ reason: this.refusal?.message ?? reason, retryInMs });
    this.timer = setTimeout(() => void this.open(), retryInMs);
  }

  private end(error: MoltError): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.finish(error);
    this.ws?.close(1000, "bye");
  }
}
