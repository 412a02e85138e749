// Webhook mode: a small HTTP listener of our own (webhook_host:webhook_port, the path of
// webhook_url) that Telegram — or a reverse proxy in front of it — POSTs updates to. Each
// request must carry the secret_token given to setWebhook; anything else gets 401/404.
import { timingSafeEqual } from "node:crypto";

export interface WebhookDeps {
  host: string;
  port: number;
  path: string;
  secret: string;
  process(update: unknown): Promise<void>;
  log(level: "warn", message: string): void;
}

export function startWebhookListener(deps: WebhookDeps): { stop(): Promise<void> } {
  const expected = Buffer.from(deps.secret);
  const server = Bun.serve({
    hostname: deps.host,
    port: deps.port,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname !== deps.path || req.method !== "POST") return new Response("Not Found", { status: 404 });
      const given = Buffer.from(req.headers.get("x-telegram-bot-api-secret-token") ?? "");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return new Response("Unauthorized", { status: 401 });
      let update: unknown;
      try {
        update = await req.json();
      } catch {
        // Answer 200 anyway: Telegram would redeliver a non-2xx forever.
        deps.log("warn", "webhook: skipped a request whose body is not JSON");
        return new Response("ok");
      }
      await deps.process(update);
      return new Response("ok");
    },
  });
  return { stop: async () => void (await server.stop(true)) };
}
