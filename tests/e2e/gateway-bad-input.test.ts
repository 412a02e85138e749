// 1,000 malformed, oversized and out-of-order frames: each is answered with an error frame or a
// clean close, the gateway keeps serving others, and nobody unauthenticated reaches a method.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { startGateway, type RunningGateway } from "../../runtime/gateway/server.ts";
import { EchoAgent, recordingClient } from "./gateway-helpers.ts";

let gw: RunningGateway;
const agent = new EchoAgent();
const errors: unknown[] = [];
const onError = (e: unknown) => errors.push(e);

beforeAll(() => {
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  gw = startGateway({ host: "127.0.0.1", port: 0, version: "test", agent, limits: { framesPerSecond: 1e6, frameBurst: 1e6 } });
});
afterAll(async () => {
  await gw.stop();
  process.off("uncaughtException", onError);
  process.off("unhandledRejection", onError);
});

const req = (method: string, params?: unknown, id: unknown = 7) => JSON.stringify({ type: "req", id, method, params });
const BAD: (string | Uint8Array)[] = [
  "not json", "{", "[]", "null", "42", '"text"', "{}", "\u0000", "",
  '{"type":"req"}', '{"type":"req","id":1}', '{"type":"req","id":{},"method":"status"}', '{"type":"req","id":1.5,"method":"status"}',
  req("x".repeat(200)), req("status", undefined, "i".repeat(100)), '{"type":"event","event":"chat.final","data":{}}',
  '{"type":"res","id":1,"ok":true,"result":1}', req("connect", { role: "client", name: "other" }), req("connect", { role: "admin" }),
  req("chat.send", { text: 42 }), req("chat.send", { text: "" }), req("chat.send", { text: "x", admin: true }), req("chat.send", "text"),
  req("chat.send", { text: "x".repeat(100_001) }), req("chat.send", { text: "hi", session: "../../etc/passwd" }),
  req("approval.resolve", { id: "nope", approve: true }), req("approval.resolve", { id: "x", approve: "yes" }),
  req("__proto__"), req("constructor"), req("toString"), req("chat.history", { last: 10_000 }), req("node.invoke", { node: "ghost", tool: "t" }),
  '{"type":"req","id":1,"method":"status","params":{"__proto__":{"admin":true}}}', "[".repeat(50_000), '{"a":'.repeat(20_000),
  new Uint8Array([0xff, 0x00, 0x7b]), JSON.stringify({ type: "req", id: 1, method: "status", params: { big: "y".repeat(500_000) } }),
];

async function rawSocket() {
  const ws = new WebSocket(gw.url.replace("http", "ws") + "/ws");
  const frames: any[] = [];
  let wake: (() => void) | null = null;
  ws.onmessage = (e) => (frames.push(JSON.parse(String(e.data))), wake?.());
  const closed = new Promise<number>((r) => (ws.onclose = (e) => (r(e.code), wake?.())));
  await new Promise((r) => (ws.onopen = r));
  const waitFrames = async (n: number) => {
    while (frames.length < n && ws.readyState === WebSocket.OPEN) await new Promise<void>((r) => (wake = r));
    return frames;
  };
  return { ws, frames, closed, waitFrames };
}

describe("bad input", () => {
  test("1,000 bad frames after connect: one error frame each, the socket stays usable", async () => {
    const s = await rawSocket();
    s.ws.send(req("connect", { role: "client", name: "fuzzer" }, 0));
    await s.waitFrames(1);
    for (let i = 0; i < 1000; i++) s.ws.send(BAD[i % BAD.length]!);
    const frames = await s.waitFrames(1001);
    expect(frames.length).toBe(1001);
    const answers = frames.slice(1);
    expect(answers.every((f) => f.type === "res" && f.ok === false && typeof f.error?.code === "string" && typeof f.error?.message === "string")).toBe(true);
    const codes = new Set(answers.map((f) => f.error.code));
    for (const c of ["invalid_input", "invalid_params", "not_found"]) expect(codes.has(c)).toBe(true);
    // Messages name what is wrong but never echo the input back.
    expect(answers.some((f) => JSON.stringify(f).includes("y".repeat(100)))).toBe(false);
    expect(agent.inputs.length).toBe(0);
    s.ws.send(req("status", {}, "after"));
    expect((await s.waitFrames(1002))[1001]).toMatchObject({ id: "after", ok: true, result: { user: "webchat:fuzzer" } });
    s.ws.close();
    expect(errors).toEqual([]);
  });

  test("before connect, bad frames get errors and the fifth closes the socket; no method is reached", async () => {
    const preAuthBad = BAD.filter((f) => typeof f !== "string" || !f.includes('"name":"other"'));
    for (let c = 0; c < 20; c++) {
      const s = await rawSocket();
      for (let i = 0; i < 8; i++) s.ws.send(preAuthBad[(c * 8 + i) % preAuthBad.length]!);
      s.ws.send(req("chat.send", { text: "sneak" }));
      expect(await s.closed).toBe(1008);
      expect(s.frames.length).toBe(5);
      expect(s.frames.every((f) => f.ok === false)).toBe(true);
    }
    expect(agent.inputs.length).toBe(0);
  });

  test("a frame over 1 MiB closes that socket (1009) and no other", async () => {
    const { client, waitFor } = await recordingClient(gw.url, { name: "bystander" });
    const s = await rawSocket();
    s.ws.send(req("connect", { role: "client" }, 0));
    await s.waitFrames(1);
    s.ws.send(req("chat.send", { text: "z".repeat(1024 * 1024) }));
    expect(await s.closed).toBe(1009);
    const { turn } = await client.request("chat.send", { text: "still fine" });
    expect((await waitFor("chat.final", (d) => d.turn === turn)).data.text).toBe("still fine");
    client.close();
  });

  test("a flood beyond the per-connection rate limit is answered with rate_limited, others unaffected", async () => {
    const limited = startGateway({ host: "127.0.0.1", port: 0, version: "t", agent, limits: { framesPerSecond: 10, frameBurst: 20 } });
    try {
      const c = await GatewayClient.connect(limited.url, { name: "flood" });
      const results = await Promise.allSettled(Array.from({ length: 300 }, () => c.request("status")));
      const ok = results.filter((r) => r.status === "fulfilled").length;
      expect(ok).toBeGreaterThanOrEqual(19);
      expect(ok).toBeLessThan(300);
      expect(results.filter((r) => r.status === "rejected").every((r) => (r as PromiseRejectedResult).reason.error.code === "rate_limited")).toBe(true);
      // The same connection is served again once its bucket refills.
      let again: any = null;
      while (!(again = await c.request("status").catch(() => null))) await Bun.sleep(50);
      expect(again.user).toBe("webchat:flood");
      const other = await GatewayClient.connect(limited.url, { name: "calm" });
      expect((await other.request("status")).user).toBe("webchat:calm");
      other.close();
      c.close();
    } finally {
      await limited.stop();
    }
  });
});
