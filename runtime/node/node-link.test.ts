// The node's link against a real in-process gateway: advertising, answering, the frame-size cap,
// a refused token; plus the pure pieces (backoff, the invoke frame).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GatewayClient } from "../gateway/client.ts";
import { startGateway, type RunningGateway } from "../gateway/server.ts";
import { backoffDelay } from "./backoff.ts";
import { parseInvoke } from "./invoke-frame.ts";
import { startNodeLink, type NodeLinkOptions } from "./node-link.ts";

let gw: RunningGateway;
beforeAll(() => { gw = startGateway({ host: "127.0.0.1", port: 0, token: "t0k", version: "test" }); });
afterAll(() => gw.stop());

const ECHO = { name: "echo", description: "echo", parameters: { type: "object" }, version: "1.0.0" };
function link(extra: Partial<NodeLinkOptions> = {}) {
  return new Promise<ReturnType<typeof startNodeLink>>((resolve) => {
    const l = startNodeLink({
      url: gw.url, token: "t0k", name: "pi",
      advertise: async () => ({ skills: [ECHO], capabilities: { arch: "test" } }),
      invoke: async (req) => (req.tool === "big" ? { ok: true, output: "x".repeat(2_000_000) } : { ok: true, output: { got: req.params, ctx: req.context ?? null } }),
      onConnected: () => resolve(l),
      ...extra,
    });
  });
}

describe("node link", () => {
  test("advertises its skills and answers calls with who asked", async () => {
    const l = await link();
    expect(gw.nodes.remoteTools()).toEqual([{ node: "pi", ...ECHO }]);
    const c = await GatewayClient.connect(gw.url, { token: "t0k" });
    expect(await c.request("node.invoke", { node: "pi", tool: "echo", params: { a: 1 } })).toMatchObject({ node: "pi", result: { got: { a: 1 } } });
    expect(await gw.nodes.invokeRemote("pi", "echo", { b: 2 }, { session: "s", user: "u" })).toEqual({ ok: true, output: { got: { b: 2 }, ctx: { session: "s", user: "u" } } });
    c.close();
    await l.stop();
    expect(await l.done).toBeNull();
  });

  test("a result too large for a frame becomes output_limit and the socket lives", async () => {
    const l = await link();
    const c = await GatewayClient.connect(gw.url, { token: "t0k" });
    await expect(c.request("node.invoke", { node: "pi", tool: "big" })).rejects.toMatchObject({ error: { code: "output_limit" } });
    expect(l.connected).toBe(true);
    c.close();
    await l.stop();
  });

  test("a refused token ends the link with unauthorized, without retrying", async () => {
    let retries = 0;
    const l = startNodeLink({ url: gw.url, token: "wrong", name: "mallory", advertise: async () => ({ skills: [], capabilities: {} }), invoke: async () => ({ ok: true, output: null }), onDisconnected: () => retries++ });
    expect(await l.done).toMatchObject({ code: "unauthorized" });
    expect(retries).toBe(0);
  });
});

describe("stopping", () => {
  const slow = (ms: number) => async (_req: unknown, signal: AbortSignal) => {
    await new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => (clearTimeout(t), resolve(null)), { once: true });
    });
    return signal.aborted ? { ok: false as const, error: { code: "cancelled" as const, message: "stopped" } } : { ok: true as const, output: "finished" };
  };

  test("stop() lets a running call finish and answer, refuses new ones, then closes", async () => {
    const l = await link({ name: "drain", invoke: slow(300) });
    const running = gw.nodes.invokeRemote("drain", "echo", {});
    while (l.inFlight === 0) await Bun.sleep(5);
    const stopped = l.stop();
    expect(await gw.nodes.invokeRemote("drain", "echo", {})).toMatchObject({ ok: false, error: { code: "channel_error", message: expect.stringContaining("stopping") } });
    expect(await running).toEqual({ ok: true, output: "finished" });
    await stopped;
    expect(await l.done).toBeNull();
  });

  test("a call still running after drainMs is cancelled and its answer still sent", async () => {
    const l = await link({ name: "drain2", invoke: slow(60_000), drainMs: 100 });
    const running = gw.nodes.invokeRemote("drain2", "echo", {});
    while (l.inFlight === 0) await Bun.sleep(5);
    await l.stop();
    expect(await running).toMatchObject({ ok: false, error: { code: "cancelled" } });
  });
});

describe("a gateway that misbehaves", () => {
  // A stand-in gateway speaking the frame protocol: accepts connect, then sends requests whose
  // ids no gateway would send. The node must drop them, answer the next one, and not crash.
  test("requests with ids that are not a string or an integer are dropped; the next is answered", async () => {
    const answers: unknown[] = [];
    let answered!: () => void;
    const gotAnswer = new Promise<void>((r) => (answered = r));
    const deepId = JSON.parse("[".repeat(100_000) + "]".repeat(100_000));
    const fake = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no", { status: 400 })),
      websocket: {
        message(ws, text) {
          const frame = JSON.parse(String(text));
          if (frame.method === "connect") {
            ws.send(JSON.stringify({ type: "res", id: frame.id, ok: true, result: {} }));
            const invoke = (id: unknown) => JSON.stringify({ type: "req", id, method: "tool.invoke", params: { tool: "echo", params: { n: 1 } } });
            ws.send(`{"type":"req","id":${"[".repeat(100_000)}${"]".repeat(100_000)},"method":"tool.invoke","params":{"tool":"echo","params":{}}}`);
            ws.send(invoke({ nested: deepId.length }));
            ws.send(invoke(7));
            return;
          }
          answers.push(frame);
          answered();
        },
      },
    });
    const l = await link({ url: `ws://127.0.0.1:${fake.port}` });
    await gotAnswer;
    expect(answers).toEqual([{ type: "res", id: 7, ok: true, result: { got: { n: 1 }, ctx: null } }]);
    expect(l.connected).toBe(true);
    await l.stop();
    fake.stop(true);
  });
});

describe("pieces", () => {
  test("backoff doubles from 250 ms to at most 10 s, ±20 %", () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, undefined, () => 0.5))).toEqual([250, 500, 1000, 2000]);
    expect(backoffDelay(50, undefined, () => 0.5)).toBe(10_000);
    expect(backoffDelay(0, undefined, () => 0)).toBe(200);
    expect(backoffDelay(0, undefined, () => 1)).toBe(300);
  });

  test("tool.invoke params are checked strictly, naming the field", () => {
    expect(parseInvoke({ tool: "x", params: { a: 1 }, context: { user: "u" } })).toMatchObject({ ok: true });
    expect(parseInvoke({ tool: "x", sudo: true })).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    expect(parseInvoke({ tool: "x", context: { user: "u", approved: { by: "u", approval: "ap1" } } })).toMatchObject({ ok: true });
    expect(parseInvoke({ tool: "x", context: { approved: { by: "u", scope: "all" } } })).toMatchObject({ ok: false, error: { code: "invalid_params", message: expect.stringContaining("context.approved") } });
    expect(parseInvoke({ tool: "x", context: { user: 5 } })).toMatchObject({ ok: false, error: { message: expect.stringContaining("context.user") } });
  });
});
