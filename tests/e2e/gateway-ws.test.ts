// The gateway's WebSocket protocol end to end over a real socket: connect and auth, chat
// streaming, approvals, history, status, nodes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { startGateway, type RunningGateway } from "../../runtime/gateway/server.ts";
import { EchoAgent, recordingClient } from "./gateway-helpers.ts";

let gw: RunningGateway;
const agent = new EchoAgent();
const histories: string[] = [];

beforeAll(() => {
  gw = startGateway({
    host: "127.0.0.1",
    port: 0,
    version: "test",
    agent,
    nodeGate: { trust: () => ({ trust: "allow", rule: "test" }), audit: () => {} },
    history: async (session, last) => {
      histories.push(session);
      return [{ role: "user", text: `hello from ${session}` }].slice(0, last);
    },
    skills: () => [{ name: "weather", description: "Current weather", kind: "executable" }],
  });
});
afterAll(() => gw.stop());

describe("connect", () => {
  test("a loopback client without a token is admitted as webchat:<name>", async () => {
    const c = await GatewayClient.connect(gw.url, { name: "alice" });
    expect(c.hello).toMatchObject({ user: "webchat:alice", role: "client", session: "webchat:alice", version: "test" });
    c.close();
  });

  test("without a name the connection id names the user", async () => {
    const c = await GatewayClient.connect(gw.url);
    expect(c.hello.user).toMatch(/^webchat:c[0-9a-z]+$/);
    c.close();
  });

  test("methods before connect are refused, and the fifth refusal closes the socket", async () => {
    const ws = new WebSocket(gw.url.replace("http", "ws") + "/ws");
    const frames: any[] = [];
    ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)));
    const closed = new Promise<number>((r) => (ws.onclose = (e) => r(e.code)));
    await new Promise((r) => (ws.onopen = r));
    for (let i = 1; i <= 6; i++) ws.send(JSON.stringify({ type: "req", id: i, method: i % 2 ? "status" : "chat.send", params: { text: "hi" } }));
    expect(await closed).toBe(1008);
    expect(frames.length).toBe(5);
    for (const f of frames) expect(f).toMatchObject({ type: "res", ok: false, error: { code: "unauthorized" } });
    expect(agent.inputs.some((i) => i.text === "hi")).toBe(false);
  });

  test("a second connect on the same socket is an error, not a new identity", async () => {
    const c = await GatewayClient.connect(gw.url, { name: "bob" });
    await expect(c.request("connect", { role: "client", name: "mallory" })).rejects.toThrow("already connected");
    expect((await c.request("status")).user).toBe("webchat:bob");
    c.close();
  });
});

describe("chat", () => {
  test("chat.send answers {turn} before any event of that turn, then streams deltas and a final", async () => {
    const { client, events, waitFor } = await recordingClient(gw.url, { name: "streamer" });
    const { turn, session } = await client.request("chat.send", { text: "one two three" });
    expect(events.filter((e) => e.data.turn === turn)).toEqual([]);
    expect(session).toBe("webchat:streamer");
    const final = await waitFor("chat.final", (d) => d.turn === turn);
    expect(final.data.text).toBe("one two three");
    const deltas = events.filter((e) => e.event === "chat.delta" && e.data.turn === turn).map((e) => e.data.text);
    expect(deltas).toEqual(["one ", "two ", "three"]);
    expect(agent.inputs.at(-1)).toMatchObject({ user: "webchat:streamer", channel: "webchat", session: "webchat:streamer", text: "one two three" });
    client.close();
  });

  test("a named session is scoped to the client: another user's label never reaches their session", async () => {
    const c = await GatewayClient.connect(gw.url, { name: "carol" });
    const { session } = await c.request("chat.send", { text: "x", session: "work" });
    expect(session).toBe("webchat:carol/work");
    const h = await c.request("chat.history", { session: "work", last: 10 });
    expect(h).toEqual({ session: "webchat:carol/work", messages: [{ role: "user", text: "hello from webchat:carol/work" }] });
    c.close();
  });

  test("approval round trip: request event, only the requester may answer, approve finishes the turn", async () => {
    const { client, waitFor } = await recordingClient(gw.url, { name: "dave" });
    const { turn } = await client.request("chat.send", { text: "tool git status" });
    expect((await waitFor("tool.call", (d) => d.turn === turn)).data).toMatchObject({ tool: "shell_execute", params: { command: "git status" } });
    const req = (await waitFor("approval.request", (d) => d.turn === turn)).data;
    expect(req).toMatchObject({ turn, tool: "shell_execute", params: { command: "git status" }, reason: expect.stringContaining("confirmation") });
    const other = await GatewayClient.connect(gw.url, { name: "eve" });
    await expect(other.request("approval.resolve", { id: req.id, approve: true })).rejects.toMatchObject({ error: { code: "unauthorized" } });
    other.close();
    expect(await client.request("approval.resolve", { id: req.id, approve: true })).toEqual({ id: req.id, answer: "approve" });
    expect((await waitFor("chat.final", (d) => d.turn === turn)).data.text).toBe("Ran `git status`.");
    await expect(client.request("approval.resolve", { id: req.id, approve: true })).rejects.toMatchObject({ error: { code: "not_found" } });
    client.close();
  });

  test("deny reaches the agent as deny", async () => {
    const { client, waitFor } = await recordingClient(gw.url, { name: "frank" });
    const { turn } = await client.request("chat.send", { text: "tool rm -rf /" });
    const req = (await waitFor("approval.request", (d) => d.turn === turn)).data;
    await client.request("approval.resolve", { id: req.id, approve: false });
    expect((await waitFor("chat.final", (d) => d.turn === turn)).data.text).toContain("you said no");
    client.close();
  });

  test("a reconnected client of the same name keeps receiving its running turn", async () => {
    const first = await GatewayClient.connect(gw.url, { name: "gina" });
    const { turn } = await first.request("chat.send", { text: "tool ls" });
    first.close();
    await first.closed;
    const { client, waitFor } = await recordingClient(gw.url, { name: "gina" });
    // The approval was emitted while nobody listened; the id is still answerable by the same user.
    const id = agent["approvals"].keys().next().value as string;
    await client.request("approval.resolve", { id, approve: true });
    expect((await waitFor("chat.final", (d) => d.turn === turn)).data.text).toBe("Ran `ls`.");
    client.close();
  });

  test("chat.stop cancels the running turn and the client sees chat.error", async () => {
    const { client, waitFor } = await recordingClient(gw.url, { name: "hank" });
    const { turn } = await client.request("chat.send", { text: "slow" });
    await waitFor("chat.delta", (d) => d.turn === turn);
    expect(await client.request("chat.stop", {})).toMatchObject({ stopped: true });
    expect((await waitFor("chat.error", (d) => d.turn === turn)).data.error.code).toBe("timeout");
    client.close();
  });
});

describe("other methods", () => {
  test("skills.list, status, unknown methods and bad params", async () => {
    const c = await GatewayClient.connect(gw.url, { name: "ivy" });
    expect(await c.request("skills.list")).toEqual({ skills: [{ name: "weather", description: "Current weather", kind: "executable" }] });
    expect(await c.request("status")).toMatchObject({ version: "test", user: "webchat:ivy", nodes: [] });
    await expect(c.request("chat.delete", {})).rejects.toMatchObject({ error: { code: "not_found" } });
    await expect(c.request("chat.send", { text: "" })).rejects.toMatchObject({ error: { code: "invalid_params", message: expect.stringContaining("chat.send params.text") } });
    await expect(c.request("chat.send", { text: "x", extra: 1 })).rejects.toMatchObject({ error: { code: "invalid_params" } });
    c.close();
  });

  test("node.invoke: unknown node is not_found; a connected node answers through the gateway", async () => {
    const c = await GatewayClient.connect(gw.url, { name: "jack" });
    await expect(c.request("node.invoke", { node: "laptop", tool: "weather" })).rejects.toMatchObject({ error: { code: "not_found", message: expect.stringContaining("laptop") } });
    const ws = new WebSocket(gw.url.replace("http", "ws") + "/ws");
    await new Promise((r) => (ws.onopen = r));
    ws.onmessage = (e) => {
      const f = JSON.parse(String(e.data));
      if (f.type === "req" && f.method === "tool.invoke") ws.send(JSON.stringify({ type: "res", id: f.id, ok: true, result: { echoed: f.params } }));
    };
    const weather = { name: "weather", version: "1.0.0", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" } } } };
    ws.send(JSON.stringify({ type: "req", id: 1, method: "connect", params: { role: "node", name: "laptop", skills: [weather] } }));
    while (!(await c.request("status")).nodes.includes("laptop")) await Bun.sleep(5);
    // A skill the node does not advertise is not_found before anything reaches it.
    await expect(c.request("node.invoke", { node: "laptop", tool: "tides" })).rejects.toMatchObject({ error: { code: "not_found", message: expect.stringContaining("tides") } });
    expect(await c.request("node.invoke", { node: "laptop", tool: "weather", params: { city: "Oslo" } })).toEqual({
      node: "laptop",
      result: { echoed: { tool: "weather", params: { city: "Oslo" }, context: { user: "webchat:jack", session: "webchat:jack", channel: "webchat" } } },
    });
    const health = (await (await fetch(`${gw.url}/health`)).json()) as any;
    expect(health.nodes.laptop).toEqual({ status: "connected", skills: ["weather"] });
    ws.close();
    c.close();
  });

  test("a node may not chat", async () => {
    const n = await GatewayClient.connect(gw.url, { name: "pi", role: "node" });
    await expect(n.request("chat.send", { text: "hi" })).rejects.toMatchObject({ error: { code: "unauthorized" } });
    n.close();
  });
});
