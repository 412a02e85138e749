// The part every fake model server shares: a Bun.serve on 127.0.0.1:0 that records each
// request, answers scripted replies in order (or echoes the last user message), and can be told
// to fail or hang the next requests. Each protocol file only says how a reply goes on the wire.
import type { ReceivedImage } from "./images.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  /** The images in a chat request's messages, in order (empty for other requests). */
  images: ReceivedImage[];
}

export interface ScriptedToolCall {
  name: string;
  params: unknown;
  /** Sent instead of JSON.stringify(params), e.g. to script a model that emits broken JSON. */
  rawArguments?: string;
}

export interface ScriptedReply {
  text?: string;
  toolCalls?: ScriptedToolCall[];
  /** How many deltas the text (and each tool call's JSON arguments) is split into; default 1. */
  chunks?: number;
  /** Pause after each text or argument delta, for abort and mid-answer timeout tests. */
  delayMs?: number;
  /** After the text, the stream carries the protocol's in-stream error (e.g. Anthropic's overloaded_error) and ends. */
  streamError?: string;
  /**
   * Tool calls put on the wire exactly as given, after `toolCalls`, for a model or server that
   * misbehaves (no name, no id, arguments not an object): Ollama — entries of the message's
   * `tool_calls`; OpenAI — each one `delta.tool_calls` entry in a chunk of its own; Anthropic —
   * each the `content_block` of a content_block_start, then its content_block_stop.
   */
  rawToolCalls?: unknown[];
}

export interface FakeServerOptions {
  /** When set, requests must present this key (x-api-key or Authorization: Bearer); others get 401. */
  apiKey?: string;
}

export interface FakeModelServer {
  /** Base URL to put in the provider's base_url (the OpenAI fake's ends in /v1). */
  url: string;
  requests: RecordedRequest[];
  /** Every image of every chat request so far, in order. */
  images(): ReceivedImage[];
  script(replies: ScriptedReply[]): void;
  failNext(status: number, headers?: Record<string, string>, times?: number): void;
  /** The next `times` chat requests get no answer at all (until stop), for timeout tests. */
  hangNext(times?: number): void;
  stop(): Promise<void>;
}

/** What a protocol adds: where chats arrive, how to stream a reply, how an error body looks. */
export interface Protocol {
  chatPath: (path: string) => boolean;
  lastUserText(body: unknown): string;
  stream(reply: ScriptedReply, body: unknown): AsyncIterable<string>;
  contentType: string;
  errorBody(status: number, message: string): unknown;
  /** The images a chat request carries, in this protocol's wire format. */
  imagesOf(body: unknown): ReceivedImage[];
  /** Other routes (e.g. Ollama's GET /api/tags); undefined → 404. */
  other?(req: Request, path: string): Response | undefined;
}

export async function startFakeServer(protocol: Protocol, opts: FakeServerOptions = {}, basePath = ""): Promise<FakeModelServer> {
  const requests: RecordedRequest[] = [];
  const replies: ScriptedReply[] = [];
  const failures: { status: number; headers: Record<string, string> }[] = [];
  let hangs = 0;
  const hanging: (() => void)[] = [];

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 60,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      const text = req.method === "GET" ? "" : await req.text();
      let body: unknown = text;
      try { body = text ? JSON.parse(text) : undefined; } catch { /* recorded as text */ }
      const images = protocol.chatPath(path) ? protocol.imagesOf(body) : [];
      requests.push({ method: req.method, path, headers: Object.fromEntries(req.headers), body, images });
      if (!protocol.chatPath(path)) return protocol.other?.(req, path) ?? json(404, protocol.errorBody(404, `no route ${path}`));

      if (opts.apiKey !== undefined) {
        const presented = req.headers.get("x-api-key") ?? req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
        // Real servers echo (part of) the wrong key back; providers must not pass it on.
        if (presented !== opts.apiKey) return json(401, protocol.errorBody(401, `Incorrect API key provided: ${presented}`));
      }
      const failure = failures.shift();
      if (failure) return json(failure.status, protocol.errorBody(failure.status, `scripted failure ${failure.status}`), failure.headers);
      if (hangs > 0) {
        hangs--;
        return new Promise<Response>((resolve) => hanging.push(() => resolve(new Response("stopped", { status: 503 }))));
      }
      const reply = replies.shift() ?? { text: protocol.lastUserText(body) };
      const encoder = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          try {
            for await (const piece of protocol.stream(reply, body)) {
              controller.enqueue(encoder.encode(piece));
            }
            controller.close();
          } catch { /* the client went away */ }
        },
      });
      return new Response(stream, { headers: { "content-type": protocol.contentType } });
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}${basePath}`,
    requests,
    images: () => requests.flatMap((r) => r.images),
    script(more) { replies.push(...more); },
    failNext(status, headers = {}, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ status, headers });
    },
    hangNext(times = 1) { hangs += times; },
    async stop() {
      for (const release of hanging.splice(0)) release();
      await server.stop(true);
    },
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** Splits s into n nearly equal pieces (at least one, possibly empty). */
export function split(s: string, n = 1): string[] {
  const parts = Math.max(1, Math.min(n, s.length || 1));
  const size = Math.ceil(s.length / parts);
  const out: string[] = [];
  for (let i = 0; i < parts; i++) out.push(s.slice(i * size, (i + 1) * size));
  return out.filter((p, i) => p !== "" || i === 0);
}

/** What a protocol's stream awaits after each delta (ScriptedReply.delayMs). */
export async function pause(reply: ScriptedReply): Promise<void> {
  if (reply.delayMs) await Bun.sleep(reply.delayMs);
}

export function argumentsOf(call: ScriptedToolCall): string {
  return call.rawArguments ?? JSON.stringify(call.params ?? {});
}

/** Text of a message's content, whether a string or a list of content blocks / parts. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((b: { type?: string; text?: string; content?: unknown }) =>
    b.type === "text" ? b.text ?? "" : b.type === "tool_result" ? textOf(b.content) : "").join("");
}
