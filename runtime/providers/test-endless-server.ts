// Test support: a model server gone wrong. It answers with `head`, then `repeat` over and over
// (`times` times, or without end) — produced only as fast as the client reads, so what it sent
// shows what the client took in. `closed` resolves when a client hangs up before the end: the
// request was stopped, not read through.
export interface EndlessServer {
  url: string;
  closed: Promise<void>;
  /** Bytes handed to the socket so far, over all requests. */
  sent(): number;
  stop(): Promise<void>;
}

export interface EndlessReply {
  status?: number;
  contentType: string;
  head?: string;
  repeat: string;
  times?: number;
  tail?: string;
  /** Appended to the URL, e.g. "/v1" for an OpenAI base_url. */
  basePath?: string;
}

export function startEndlessServer(reply: EndlessReply): EndlessServer {
  const encoder = new TextEncoder();
  const piece = encoder.encode(reply.repeat);
  let sent = 0;
  let hungUp = () => {};
  const closed = new Promise<void>((resolve) => (hungUp = resolve));
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      await req.arrayBuffer();
      let n = 0;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          if (reply.head) controller.enqueue(encoder.encode(reply.head));
        },
        pull(controller) {
          if (reply.times !== undefined && n >= reply.times) {
            if (reply.tail) controller.enqueue(encoder.encode(reply.tail));
            return controller.close();
          }
          n++;
          sent += piece.length;
          controller.enqueue(piece);
        },
        cancel: () => hungUp(),
      });
      return new Response(body, { status: reply.status ?? 200, headers: { "content-type": reply.contentType } });
    },
  });
  return { url: `http://127.0.0.1:${server.port}${reply.basePath ?? ""}`, closed, sent: () => sent, stop: () => server.stop(true) };
}
