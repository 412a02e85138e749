// How many turns a client may keep busy: a cap per user (running plus queued) and in all, and
// what happens to a user's turns when their last socket closes (queued ones are cancelled before
// they reach the agent; a running one goes on for the reconnecting client).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { startGateway, type RunningGateway } from "../../runtime/gateway/server.ts";
import { EchoAgent, recordingClient } from "./gateway-helpers.ts";

const TOKEN = "turns-test-token";
let gw: RunningGateway;
const agent = new EchoAgent();

beforeAll(() => {
  gw = startGateway({ host: "127.0.0.1", port: 0, version: "test", token: TOKEN, agent });
});
afterAll(() => gw.stop());

async function turnsNow(): Promise<number> {
  const probe = await GatewayClient.connect(gw.url, { token: TOKEN, name: "probe" });
  const { turns } = await probe.request("status");
  probe.close();
  return turns;
}

describe("turn limits", () => {
  test("the 5th concurrent chat.send of one user is refused with rate_limited; the first four still finish", async () => {
    const { client, waitFor } = await recordingClient(gw.url, { token: TOKEN, name: "busy" });
    const turns: string[] = [];
    for (let i = 0; i < 4; i++) turns.push((await client.request("chat.send", { text: `tool echo ${i}`, session: `s${i}` })).turn);
    const refused = await client.request("chat.send", { text: "one more", session: "s4" }).catch((e) => e.error);
    expect(refused).toMatchObject({ code: "rate_limited", message: expect.stringContaining("at most 4 turns may run at once") });
    expect(agent.inputs.some((i) => i.text === "one more")).toBe(false);
    // Another user is not affected.
    const other = await recordingClient(gw.url, { token: TOKEN, name: "calm" });
    const { turn: calm } = await other.client.request("chat.send", { text: "hello there" });
    expect((await other.waitFor("chat.final", (d) => d.turn === calm)).data.text).toBe("hello there");
    other.client.close();
    for (const turn of turns) {
      const req = (await waitFor("approval.request", (d) => d.turn === turn)).data;
      await client.request("approval.resolve", { id: req.id, approve: true });
    }
    for (const [i, turn] of turns.entries()) expect((await waitFor("chat.final", (d) => d.turn === turn)).data.text).toBe(`Ran \`echo ${i}\`.`);
    // With those finished, the user may chat again.
    const { turn } = await client.request("chat.send", { text: "again" });
    expect((await waitFor("chat.final", (d) => d.turn === turn)).data.text).toBe("again");
    client.close();
  });

  test("closing the last socket cancels queued turns before they reach the agent; the running one goes on", async () => {
    const first = await recordingClient(gw.url, { token: TOKEN, name: "leaver" });
    const { turn: running } = await first.client.request("chat.send", { text: "tool ls -la" });
    const req = (await first.waitFor("approval.request", (d) => d.turn === running)).data;
    for (const q of ["queued one", "queued two", "queued three"]) await first.client.request("chat.send", { text: q });
    expect(await first.client.request("chat.send", { text: "queued four" }).catch((e) => e.error)).toMatchObject({ code: "rate_limited" });
    // A second socket of the same user keeps the queue alive while it stays.
    const second = await GatewayClient.connect(gw.url, { token: TOKEN, name: "leaver" });
    second.close();
    await second.closed;
    expect(await turnsNow()).toBe(4);
    first.client.close();
    await first.client.closed;
    while ((await turnsNow()) > 1) await Bun.sleep(5);
    const back = await recordingClient(gw.url, { token: TOKEN, name: "leaver" });
    await back.client.request("approval.resolve", { id: req.id, approve: true });
    expect((await back.waitFor("chat.final", (d) => d.turn === running)).data.text).toBe("Ran `ls -la`.");
    while ((await turnsNow()) > 0) await Bun.sleep(5);
    expect(agent.inputs.filter((i) => i.user === "webchat:leaver").map((i) => i.text)).toEqual(["tool ls -la"]);
    back.client.close();
  });

  test("hooks share the cap: the 5th concurrent call of one hook gets 429", async () => {
    const call = (session: string) => fetch(`${gw.url}/hooks/nightly`, { method: "POST", body: JSON.stringify({ text: "tool backup", session }), headers: { authorization: `Bearer ${TOKEN}` } });
    const pending = ["a", "b", "c", "d"].map(call);
    const approvals = agent["approvals"] as Map<string, { user: string }>;
    const mine = () => [...approvals].filter(([, a]) => a.user === "hook:nightly").map(([id]) => id);
    while (mine().length < 4) await Bun.sleep(5);
    const fifth = await call("e");
    expect(fifth.status).toBe(429);
    expect(((await fifth.json()) as any).error).toMatchObject({ code: "rate_limited", message: expect.stringContaining("at most 4") });
    for (const id of mine()) await agent.resolveApproval(id, "deny", "hook:nightly");
    for (const r of await Promise.all(pending)) expect(r.status).toBe(200);
  });

  test("the gateway as a whole runs at most maxTurns; users picking fresh names cannot get past it", async () => {
    const small = startGateway({ host: "127.0.0.1", port: 0, version: "t", agent, limits: { maxTurns: 2 } });
    try {
      const clients = await Promise.all(["n1", "n2", "n3"].map((name) => recordingClient(small.url, { name })));
      const [a, b] = await Promise.all(clients.slice(0, 2).map((c) => c.client.request("chat.send", { text: "tool true" })));
      // .catch, not expect().rejects: in bun 1.4.5 the latter, while another client socket of
      // this process is receiving frames, gets that socket closed with 1002.
      const refused = await clients[2]!.client.request("chat.send", { text: "tool true" }).catch((e) => e.error);
      expect(refused).toMatchObject({ code: "rate_limited", message: expect.stringContaining("2 turns") });
      for (const [i, { turn }] of [a, b].entries()) {
        const c = clients[i]!;
        const req = (await c.waitFor("approval.request", (d) => d.turn === turn)).data;
        await c.client.request("approval.resolve", { id: req.id, approve: false });
        expect((await c.waitFor("chat.final", (d) => d.turn === turn)).data.text).toContain("you said no");
      }
      // A slot is free again.
      const { turn } = await clients[2]!.client.request("chat.send", { text: "now" });
      expect((await clients[2]!.waitFor("chat.final", (d) => d.turn === turn)).data.text).toBe("now");
      for (const c of clients) c.client.close();
    } finally {
      await small.stop();
    }
  });
});
