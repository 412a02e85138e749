// A small client for the gateway's WS protocol, used by `moltbot chat`, tests and benchmarks.
// Requests get numeric ids; `res` frames settle them, `event` frames go to listeners.
import { moltError, MoltFailure, type MoltError } from "../contracts/errors.ts";

export interface ClientOptions {
  token?: string;
  name?: string;
  role?: "client" | "node";
  /** How long to wait for the socket and the `connect` reply. */
  timeoutMs?: number;
  /** Listens to every event from the start, so none sent right after `connect` (the user's open
   *  approvals are replayed then) is missed. */
  onEvent?: (e: { event: string; data: any }) => void;
}

export interface Hello {
  user: string;
  role: string;
  session: string;
  version: string;
}

type Listener = (data: any) => void;

/** http://host:port, ws://host:port or ws://host:port/ws → the WS endpoint. */
export function wsUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol === "http:") u.protocol = "ws:";
  if (u.protocol === "https:") u.protocol = "wss:";
  if (u.pathname === "/" || u.pathname === "") u.pathname = "/ws";
  return u.toString();
}

export class GatewayClient {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: MoltFailure) => void }>();
  private readonly listeners = new Map<string, Set<Listener>>();
  hello!: Hello;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.addEventListener("close", (e) => {
        for (const p of this.pending.values()) p.reject(new MoltFailure(moltError("channel_error", `connection closed (${e.code}${e.reason ? ` ${e.reason}` : ""})`)));
        this.pending.clear();
        resolve({ code: e.code, reason: e.reason });
      }),
    );
    ws.addEventListener("message", (e) => this.onFrame(String(e.data)));
  }

  static async connect(url: string, opts: ClientOptions = {}): Promise<GatewayClient> {
    const ws = new WebSocket(wsUrl(url));
    const timeoutMs = opts.timeoutMs ?? 5_000;
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.addEventListener("open", () => resolve(), { once: true });
        ws.addEventListener("error", () => reject(new MoltFailure(moltError("channel_error", `cannot reach the gateway at ${url}`, "start it with 'moltbot gateway'"))), { once: true });
      }),
      timeoutMs,
      url,
    );
    const client = new GatewayClient(ws);
    if (opts.onEvent) client.on("*", opts.onEvent);
    const params: Record<string, unknown> = { role: opts.role ?? "client" };
    if (opts.token !== undefined) params.token = opts.token;
    if (opts.name !== undefined) params.name = opts.name;
    client.hello = await withTimeout(client.request<Hello>("connect", params), timeoutMs, url);
    return client;
  }

  request<T = any>(method: string, params?: unknown): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify(params === undefined ? { type: "req", id, method } : { type: "req", id, method, params }));
    });
  }

  /** Listens to one event name ("chat.delta", ...) or "*" for all; returns an unsubscribe. */
  on(event: string, listener: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Sends raw text, for tests of malformed input. */
  sendRaw(text: string | Uint8Array): void {
    this.ws.send(text);
  }

  close(): void {
    this.ws.close(1000, "bye");
  }

  private onFrame(text: string): void {
    let frame: any;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame?.type === "event") {
      for (const l of this.listeners.get(frame.event) ?? []) l(frame.data);
      for (const l of this.listeners.get("*") ?? []) l({ event: frame.event, data: frame.data });
    } else if (frame?.type === "res") {
      const p = this.pending.get(frame.id);
      if (!p) {
        for (const l of this.listeners.get("res") ?? []) l(frame);
        return;
      }
      this.pending.delete(frame.id);
      if (frame.ok) p.resolve(frame.result);
      else p.reject(new MoltFailure(frame.error as MoltError));
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, url: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new MoltFailure(moltError("timeout", `no answer from the gateway at ${url}`, "is it running? start it with 'moltbot gateway'"))), ms))),
  ]);
}
