// The gateway's HTTP surface. For now: GET /health. Chat, WebSocket and hooks come with the
// gateway issue; this file stays the one place routes are declared.
import { Hono } from "hono";
import { fail } from "../contracts/errors.ts";

export interface GatewayOptions {
  host: string;
  port: number;
  token?: string;
  version: string;
  /** Live figures for /health (e.g. the sandbox pool's); called per request. */
  nodeStatus?: () => Record<string, unknown>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export function createGatewayApp(opts: GatewayOptions): Hono {
  const startedAt = Date.now();
  const app = new Hono();
  app.get("/health", (c) =>
    c.json({
      status: "ok",
      version: opts.version,
      uptime_ms: Date.now() - startedAt,
      providers: {},
      channels: {},
      nodes: { local: { status: "ok", ...(opts.nodeStatus?.() ?? {}) } },
    }),
  );
  app.notFound((c) => c.json({ ok: false, error: { code: "not_found", message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  return app;
}

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function startGateway(opts: GatewayOptions): RunningGateway {
  if (!LOOPBACK.has(opts.host) && !opts.token) {
    fail(
      "invalid_config",
      `refusing to listen on ${opts.host} without a token`,
      "set gateway.token (or MOLTBOT_TOKEN), or bind to 127.0.0.1",
    );
  }
  const app = createGatewayApp(opts);
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({ hostname: opts.host, port: opts.port, fetch: app.fetch });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "EADDRINUSE") {
      fail("invalid_config", `port ${opts.port} on ${opts.host} is already in use`, "stop the other process or pass --port");
    }
    throw err;
  }
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${server.port}`,
    port: server.port ?? opts.port,
    stop: async () => {
      await server.stop();
    },
  };
}
