// Who gets in: tokens, failed-auth rate limiting, Host/Origin checks, /health detail, hooks,
// binding rules, and graceful shutdown.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { startGateway, type RunningGateway } from "../../runtime/gateway/server.ts";
import { EchoAgent, recordingClient } from "./gateway-helpers.ts";

const TOKEN = "s3cret-token-for-tests";
let gw: RunningGateway;
const agent = new EchoAgent();

beforeAll(() => {
  gw = startGateway({ host: "127.0.0.1", port: 0, version: "test", token: TOKEN, agent, providersStatus: () => ({ ollama: { status: "ok" } }), channelsStatus: () => ({ telegram: { status: "disconnected" } }) });
});
afterAll(() => gw.stop());

async function rawConnect(url: string, params: unknown, headers?: Record<string, string>) {
  const ws = new WebSocket(url.replace("http", "ws") + "/ws", headers ? ({ headers } as any) : undefined);
  const frames: any[] = [];
  ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)));
  const closed = new Promise<number>((r) => (ws.onclose = (e) => r(e.code)));
  await new Promise((r, j) => ((ws.onopen = r), (ws.onerror = j)));
  ws.send(JSON.stringify({ type: "req", id: 1, method: "connect", params }));
  return { ws, frames, closed };
}

describe("token auth", () => {
  test("with a token configured, even a loopback client needs it; wrong tokens close the socket", async () => {
    const none = await rawConnect(gw.url, { role: "client" });
    expect(await none.closed).toBe(1008);
    expect(none.frames[0]).toMatchObject({ id: 1, ok: false, error: { code: "unauthorized", message: "wrong or missing token" } });
    expect(JSON.stringify(none.frames)).not.toContain(TOKEN);
    const good = await GatewayClient.connect(gw.url, { token: TOKEN, name: "owner" });
    expect(good.hello.user).toBe("webchat:owner");
    good.close();
  });

  test("after 3 failures from an address, even the right token is refused for the window, on WS and hooks", async () => {
    const g = startGateway({ host: "127.0.0.1", port: 0, version: "t", token: TOKEN, agent, limits: { authFailures: 3, authWindowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) {
        const bad = await rawConnect(g.url, { role: "client", token: `guess-${i}` });
        await bad.closed;
      }
      const right = await rawConnect(g.url, { role: "client", token: TOKEN });
      expect(await right.closed).toBe(1008);
      expect(right.frames[0]).toMatchObject({ ok: false, error: { code: "rate_limited", hint: expect.stringMatching(/try again in \d+ s/) } });
      const hook = await fetch(`${g.url}/hooks/x`, { method: "POST", body: '{"text":"hi"}', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(hook.status).toBe(429);
    } finally {
      await g.stop();
    }
  });
});

describe("HTTP", () => {
  test("/health without the token says only that it is up; with it, providers, channels and nodes", async () => {
    const anon = (await (await fetch(`${gw.url}/health`)).json()) as any;
    expect(anon).toEqual({ status: "ok", version: "test" });
    const full = (await (await fetch(`${gw.url}/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as any;
    expect(full).toMatchObject({ status: "ok", providers: { ollama: { status: "ok" } }, channels: { telegram: { status: "disconnected" } }, nodes: { local: { status: "ok" } } });
  });

  test("a request naming another host (DNS rebinding) is refused on a loopback bind", async () => {
    const r = await fetch(`${gw.url}/health`, { headers: { host: "evil.example:80" } });
    expect(r.status).toBe(421);
    const ok = await fetch(`${gw.url}/health`, { headers: { host: `localhost:${gw.port}` } });
    expect(ok.status).toBe(200);
  });

  test("a WebSocket from a page on another origin is refused; the gateway's own origin is accepted", async () => {
    const foreign = await fetch(`${gw.url}/ws`, { headers: { origin: "https://evil.example", connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" } });
    expect(foreign.status).toBe(403);
    const own = await rawConnect(gw.url, { role: "client", token: TOKEN }, { origin: gw.url });
    while (own.frames.length === 0) await Bun.sleep(2);
    expect(own.frames[0]).toMatchObject({ id: 1, ok: true });
    own.ws.close();
  });

  test("GET / serves the WebChat page with a hash-based CSP", async () => {
    const r = await fetch(`${gw.url}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/html");
    expect(r.headers.get("content-security-policy")).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(await r.text()).toContain("<title>Moltbot</title>");
  });

  test("hooks need the token and run an unattended turn", async () => {
    const body = JSON.stringify({ text: "nightly report" });
    const none = await fetch(`${gw.url}/hooks/nightly`, { method: "POST", body });
    expect(none.status).toBe(401);
    const ok = await fetch(`${gw.url}/hooks/nightly`, { method: "POST", body, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, text: "nightly report" });
    expect(agent.inputs.at(-1)).toMatchObject({ user: "hook:nightly", channel: "hook", unattended: true });
    const bad = await fetch(`${gw.url}/hooks/nightly`, { method: "POST", body: "{", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.code).toBe("invalid_input");
  });

  test("unknown routes are 404 with a not_found error", async () => {
    const r = await fetch(`${gw.url}/nope`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as any).error.code).toBe("not_found");
  });
});

describe("binding and lifecycle", () => {
  test("binding beyond loopback without a token is refused", () => {
    expect(() => startGateway({ host: "0.0.0.0", port: 0, version: "t" })).toThrow(/without a token/);
  });

  test("hooks are refused when no token is configured, even on loopback", async () => {
    const open = startGateway({ host: "127.0.0.1", port: 0, version: "t", agent });
    try {
      const r = await fetch(`${open.url}/hooks/x`, { method: "POST", body: '{"text":"hi"}' });
      expect(r.status).toBe(401);
    } finally {
      await open.stop();
    }
  });

  test("stop lets a running turn finish, refuses new chats, closes clients with 1001, then runs onShutdown", async () => {
    let finishedBeforeShutdown = null as boolean | null;
    const g = startGateway({ host: "127.0.0.1", port: 0, version: "t", agent, onShutdown: async () => void (finishedBeforeShutdown = agent.finished.includes(turn)), limits: { shutdownGraceMs: 5_000 } });
    const { client, waitFor } = await recordingClient(g.url, { name: "late" });
    const { turn } = await client.request("chat.send", { text: "slow:30" });
    await waitFor("chat.delta", (d) => d.turn === turn);
    const stopping = g.stop();
    await expect(client.request("chat.send", { text: "more" })).rejects.toMatchObject({ error: { message: expect.stringContaining("shutting down") } });
    expect((await waitFor("chat.final", (d) => d.turn === turn)).data.text).toBe("slow done");
    expect((await client.closed).code).toBe(1001);
    await stopping;
    expect(finishedBeforeShutdown).toBe(true);
    expect(await fetch(`${g.url}/health`).then(() => "up", () => "down")).toBe("down");
  });

  test("a turn still running after the grace time is cancelled", async () => {
    const g = startGateway({ host: "127.0.0.1", port: 0, version: "t", agent, limits: { shutdownGraceMs: 20 } });
    const { client, waitFor } = await recordingClient(g.url, { name: "cut" });
    const { turn } = await client.request("chat.send", { text: "slow" });
    await waitFor("chat.delta", (d) => d.turn === turn);
    await g.stop();
    expect((await waitFor("chat.error", (d) => d.turn === turn)).data.error.code).toBe("timeout");
  });
});
