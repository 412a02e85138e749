// A fake `signal-cli daemon --http` on 127.0.0.1:0 speaking its documented wire formats over a
// real socket (signal-cli-jsonrpc(5) and HttpServerHandler): POST /api/v1/rpc (JSON-RPC 2.0,
// single or batch; send, sendTyping, getAttachment, listGroups, version), GET /api/v1/events
// (SSE: `event:receive`, `data:{account, envelope}`, ":" keep-alives, optional event ids with
// Last-Event-ID resume over the last 1000 events), GET /api/v1/check. Tests push envelopes as
// other Signal users, read what the bot sent, inject rate limits and drop the stream.
import { envelope, type EnvelopeOpts, type Person, receipt } from "./envelopes.ts";
import { type RpcCall, rpcError, type RpcFaults, type SentMessage } from "./rpc-methods.ts";
import { handleRpc } from "./rpc-methods.ts";

export type { Person, RpcCall, SentMessage };

export interface FakeSignalOptions {
  account: string;
  /** Number SSE events with `id:` and honour Last-Event-ID (newer signal-cli). */
  eventIds?: boolean;
  keepAliveMs?: number;
  /** A fixed port (to stand in for a daemon that comes up late); default any free port. */
  port?: number;
}

export interface FakeSignalCli {
  url: string;
  account: string;
  calls: RpcCall[];
  sent: SentMessage[];
  typing: Record<string, unknown>[];
  /** Every GET /api/v1/events request's headers, in order. */
  eventConnects: Headers[];
  faults: RpcFaults;
  /** Pushes a text message; returns its id as the bot should see it (`<source>:<timestamp>`). */
  dm(from: Person, text: string, o?: EnvelopeOpts): string;
  group(from: Person, groupId: string, text: string, o?: EnvelopeOpts & { mentionBot?: boolean }): string;
  /** A message quoting `quotedId` (`<author>:<timestamp>`, e.g. what the bot's send returned). */
  reply(from: Person, quotedId: string, text: string, o?: EnvelopeOpts): string;
  image(from: Person, bytes: Uint8Array, mime: string, text?: string, o?: EnvelopeOpts): string;
  /** Sends the same envelope again (a redelivery). */
  redeliver(id: string): void;
  receipt(from: Person): void;
  /** Any data line, e.g. malformed JSON. */
  raw(data: string, event?: string): void;
  /** Closes every open event stream (the daemon restarting, a proxy timeout). */
  dropStreams(): void;
  /**
   * A daemon restart: streams close and the kept events get new ids (as re-received from the
   * Signal server), so a client's Last-Event-ID is unknown and it is sent everything kept.
   */
  restart(): void;
  /** Answer the next `n` event-stream requests with HTTP 503. */
  refuseStreams(n: number): void;
  openStreams(): number;
  /** Stops listening (connections refused, streams closed) until `resume()`, on the same port: signal-cli restarting. */
  pause(): void;
  resume(): void;
  waitFor<T>(pick: () => T | undefined, what: string, timeoutMs?: number): Promise<T>;
  waitSent(match: (s: SentMessage) => boolean, timeoutMs?: number): Promise<SentMessage>;
  stop(): Promise<void>;
}

export async function startFakeSignalCli(opts: FakeSignalOptions): Promise<FakeSignalCli> {
  const enc = new TextEncoder();
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const kept: { id: number; event: string; data: string }[] = [];
  const frame = (k: { id: number; event: string; data: string }) => `${opts.eventIds ? `id:${k.id}\n` : ""}event:${k.event}\ndata:${k.data}\n\n`;
  const byId = new Map<string, Record<string, unknown>>();
  const attachments = new Map<string, Uint8Array>();
  let eventSeq = 0;
  let clock = Date.now();
  let refuse = 0;
  const state = { calls: [] as RpcCall[], sent: [] as SentMessage[], typing: [] as Record<string, unknown>[], faults: { next: [] } as RpcFaults };
  const eventConnects: Headers[] = [];

  const emit = (data: string, event = "receive") => {
    const k = { id: ++eventSeq, event, data };
    kept.push(k);
    if (kept.length > 1000) kept.shift();
    for (const c of streams) c.enqueue(enc.encode(frame(k)));
  };
  const pushEnvelope = (env: Record<string, unknown>) => emit(JSON.stringify({ account: opts.account, envelope: env }));
  const push = (from: Person, text: string | null, o: EnvelopeOpts = {}): string => {
    const ts = ++clock;
    const env = envelope(from, text, ts, ts + 3, o);
    const id = `${from.number}:${ts}`;
    byId.set(id, env);
    pushEnvelope(env);
    return id;
  };

  const events = (req: Request): Response => {
    eventConnects.push(req.headers);
    if (refuse > 0) {
      refuse--;
      return new Response("unavailable", { status: 503 });
    }
    let ctrl: ReadableStreamDefaultController<Uint8Array>;
    let keepAlive: ReturnType<typeof setInterval>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        ctrl = c;
        streams.add(c);
        // signal-cli flushes the response headers at once; a comment line makes Bun do the same.
        c.enqueue(enc.encode(":\n"));
        const last = Number(req.headers.get("last-event-id"));
        if (opts.eventIds && req.headers.has("last-event-id")) {
          // Known id: the events after it; unknown (daemon restarted): every kept event.
          const known = kept.some((k) => k.id === last);
          for (const k of kept) if (!known || k.id > last) c.enqueue(enc.encode(frame(k)));
        }
        keepAlive = setInterval(() => { try { c.enqueue(enc.encode(":\n")); } catch { /* closed */ } }, opts.keepAliveMs ?? 5000);
      },
      cancel() {
        clearInterval(keepAlive);
        streams.delete(ctrl);
      },
    });
    req.signal.addEventListener("abort", () => { clearInterval(keepAlive); streams.delete(ctrl); });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  };

  const closeStreams = () => {
    for (const c of streams) { try { c.close(); } catch { /* already closed */ } }
    streams.clear();
  };
  const serve = (port: number) => Bun.serve({
    hostname: "127.0.0.1",
    port,
    idleTimeout: 0,
    async fetch(req) {
      const { pathname } = new URL(req.url);
      if (pathname === "/api/v1/check") return req.method === "GET" ? new Response(null, { status: 200 }) : new Response(null, { status: 405 });
      if (pathname === "/api/v1/events") return req.method === "GET" ? events(req) : new Response(null, { status: 405 });
      if (pathname !== "/api/v1/rpc") return new Response(null, { status: 404 });
      if (req.method !== "POST") return new Response(null, { status: 405 });
      let body: unknown;
      try {
        body = JSON.parse(await req.text());
      } catch {
        return Response.json(rpcError(null, -32700, "Failed to parse JSON"));
      }
      const httpAt = (state.faults.http ?? []).findIndex((f) => f.method === (body as { method?: unknown })?.method);
      if (httpAt !== -1) {
        const f = state.faults.http!.splice(httpAt, 1)[0]!;
        state.calls.push({ method: f.method, params: ((body as { params?: unknown }).params ?? {}) as Record<string, unknown> });
        return new Response(`HTTP ${f.status}`, { status: f.status });
      }
      const one = (r: unknown) => handleRpc(r, { account: opts.account, attachments, state, now: () => ++clock });
      if (Array.isArray(body)) return Response.json(body.map(one).filter((r) => r !== null));
      const r = one(body);
      return r === null ? new Response(null, { status: 200 }) : Response.json(r);
    },
  });
  let server: ReturnType<typeof Bun.serve> | null = serve(opts.port ?? 0);
  const port = server.port as number;

  const waitFor = <T>(pick: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> =>
    new Promise((resolve, reject) => {
      const start = Date.now();
      const tick = () => {
        const v = pick();
        if (v !== undefined) return resolve(v);
        if (Date.now() - start > timeoutMs) return reject(new Error(`fake signal-cli: timed out waiting for ${what}; sent so far: ${JSON.stringify(state.sent.map((s) => s.message))}`));
        setTimeout(tick, 10);
      };
      tick();
    });

  return {
    url: `http://127.0.0.1:${port}`,
    account: opts.account,
    calls: state.calls,
    sent: state.sent,
    typing: state.typing,
    eventConnects,
    faults: state.faults,
    dm: (from, text, o) => push(from, text, o),
    group(from, groupId, text, o = {}) {
      if (!o.mentionBot) return push(from, text, { ...o, groupId });
      // As the apps send it: U+FFFC where the mention sits, the mention pointing at it.
      return push(from, `\uFFFC ${text}`, { ...o, groupId, mentions: [...(o.mentions ?? []), { number: opts.account, name: "Molt", start: 0, length: 1 }] });
    },
    reply(from, quotedId, text, o) {
      const m = /^(.+):(\d+)$/.exec(quotedId);
      if (!m) throw new Error(`fake signal-cli: bad quoted id ${quotedId}`);
      return push(from, text, { ...o, quote: { id: Number(m[2]), author: m[1] as string } });
    },
    image(from, bytes, mime, text = "", o = {}) {
      const id = `${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}.${mime.split("/")[1] ?? "bin"}`;
      attachments.set(id, bytes);
      return push(from, text, { ...o, attachments: [...(o.attachments ?? []), { id, contentType: mime, size: bytes.byteLength, filename: `photo.${mime.split("/")[1]}` }] });
    },
    redeliver(id) {
      const env = byId.get(id);
      if (!env) throw new Error(`fake signal-cli: no envelope ${id}`);
      pushEnvelope(env);
    },
    receipt: (from) => pushEnvelope(receipt(from, ++clock)),
    raw: (data, event) => emit(data, event),
    dropStreams() {
      for (const c of streams) { try { c.close(); } catch { /* already closed */ } }
      streams.clear();
    },
    refuseStreams(n) { refuse = n; },
    restart() {
      for (const c of streams) { try { c.close(); } catch { /* already closed */ } }
      streams.clear();
      eventSeq += 10_000;
      kept.forEach((k, i) => { k.id = eventSeq - kept.length + i + 1; });
    },
    openStreams: () => streams.size,
    pause() { closeStreams(); server?.stop(true); server = null; },
    resume() { if (!server) server = serve(port); },
    waitFor,
    waitSent: (match, timeoutMs) => waitFor(() => state.sent.find(match), "a matching send", timeoutMs),
    async stop() {
      closeStreams();
      server?.stop(true);
      server = null;
    },
  };
}
