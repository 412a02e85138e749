// The gateway: one Bun server for HTTP (hono) and the WebSocket protocol (Bun's own, for its
// frame-size cap and backpressure). Routes are declared here; WS state lives in hub.ts.
import { Hono } from "hono";
import type { Server } from "bun";
import { fail } from "../contracts/errors.ts";
import { hostAllowed, isLoopbackHost, originAllowed, requestToken, tokenMatches } from "./auth.ts";
import { CLOSE, type ConnData } from "./connection.ts";
import { handleHook } from "./hooks.ts";
import { Hub } from "./hub.ts";
import type { GatewayOptions } from "./options.ts";
import { webChatPage } from "./webchat.ts";

export type { GatewayOptions, GatewayLimits, HistoryEntry, SkillInfo } from "./options.ts";

type Env = { Variables: Record<string, never>; Bindings: { ip: string } };

export function createGatewayApp(opts: GatewayOptions, hub = new Hub(opts)): Hono<Env> {
  const app = new Hono<Env>();
  app.get("/health", async (c) => {
    const base = { status: hub.stopping ? "stopping" : "ok", version: opts.version };
    // With a token configured, only its holders see what is connected.
    if (opts.token && !tokenMatches(requestToken(c.req.raw.headers), opts.token)) return c.json(base);
    const [providers, channels] = await Promise.all([opts.providersStatus?.() ?? {}, opts.channelsStatus?.() ?? {}]);
    const nodes: Record<string, unknown> = { local: { status: "ok", ...(opts.nodeStatus?.() ?? {}) } };
    for (const n of hub.nodes.values()) {
      nodes[n.name] = { status: "connected", ...(n.skills.length ? { skills: n.skills.map((s) => s.name) } : {}), ...(Object.keys(n.capabilities).length ? { capabilities: n.capabilities } : {}) };
    }
    return c.json({ ...base, uptime_ms: hub.status().uptime_ms, providers, channels, nodes, clients: hub.status().clients });
  });
  app.get("/", () => {
    const page = webChatPage();
    return new Response(page.html, { headers: page.headers });
  });
  app.post("/hooks/:name", (c) => handleHook(c, hub, c.env?.ip ?? ""));
  app.notFound((c) => c.json({ ok: false, error: { code: "not_found", message: `no route ${c.req.method} ${c.req.path.slice(0, 100)}` } }, 404));
  app.onError((_err, c) => c.json({ ok: false, error: { code: "internal", message: "internal error" } }, 500));
  return app;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** The connected remote nodes, for the agent's routing (DESIGN §9). */
  nodes: Pick<Hub, "remoteTools" | "invokeRemote">;
  /** Stop accepting, let turns finish (or cancel them after the grace time), close sockets, run onShutdown. */
  stop(): Promise<void>;
}

export function startGateway(opts: GatewayOptions): RunningGateway {
  const loopback = isLoopbackHost(opts.host);
  if (!loopback && !opts.token) {
    fail("invalid_config", `refusing to listen on ${opts.host} without a token`, "set gateway.token (or MOLTBOT_TOKEN), or bind to 127.0.0.1");
  }
  const hub = new Hub(opts);
  const app = createGatewayApp(opts, hub);
  let ids = 0;
  let server: Server<ConnData>;
  try {
    server = Bun.serve<ConnData>({
      hostname: opts.host,
      port: opts.port,
      fetch(req, srv) {
        if (!hostAllowed(req.headers, loopback)) return new Response("this gateway answers only to localhost names", { status: 421 });
        const ip = srv.requestIP(req)?.address ?? "";
        if (new URL(req.url).pathname === "/ws") {
          if (hub.stopping) return new Response("shutting down", { status: 503 });
          if (!originAllowed(req.headers)) return new Response("cross-origin WebSocket refused", { status: 403 });
          const data: ConnData = { id: `c${(++ids).toString(36)}${Math.random().toString(36).slice(2, 6)}`, ip, loopback: isLoopbackHost(ip) };
          return srv.upgrade(req, { data }) ? undefined : new Response("expected a WebSocket upgrade", { status: 426 });
        }
        return app.fetch(req, { ip });
      },
      websocket: {
        maxPayloadLength: hub.limits.maxFrameBytes,
        backpressureLimit: 8 * 1024 * 1024,
        closeOnBackpressureLimit: true,
        idleTimeout: 120,
        open: (ws) => hub.open(ws),
        message: (ws, msg) => ws.data.conn?.onMessage(msg),
        pong: (ws) => ws.data.conn?.onPong(),
        close: (ws) => ws.data.conn?.onClose(),
      },
    });
  } catch (err) {
    if ((err as { code?: string }).code === "EADDRINUSE") {
      fail("invalid_config", `port ${opts.port} on ${opts.host} is already in use`, "stop the other process or pass --port");
    }
    throw err;
  }
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  let stopped: Promise<void> | null = null;
  return {
    url: `http://${host}:${server.port}`,
    port: server.port ?? opts.port,
    nodes: hub,
    stop: () =>
      (stopped ??= (async () => {
        hub.stopping = true;
        void server.stop(false); // no new connections; open sockets stay for the turns' last events
        await hub.turns.drain(hub.limits.shutdownGraceMs);
        hub.closeAll(CLOSE.goingAway, "gateway shutting down");
        await opts.onShutdown?.();
        await server.stop(true);
      })()),
  };
}
