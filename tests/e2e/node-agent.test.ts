// The agent routes to remote nodes (DESIGN §9): a model's tool call for a skill only a node has
// runs on that node, with the gateway's gate and audit line (`node: "laptop"`) and the node's
// own; the node's denial is what the model reads. Then the gateway restarts and the node comes
// back by itself; SIGTERM stops the node with exit 0.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";
import { Sandbox } from "../helpers/cli.ts";
import { auditOf, GATEWAY_POLICY, installNodeSkills, nodePolicy, spawnCli, startGatewayProc, TOKEN, type Proc } from "./node-helpers.ts";

const gwBox = new Sandbox();
const nodeBox = new Sandbox();
const secret = join(nodeBox.dir, "private");
let fake: FakeModelServer;
let gw: Proc & { url: string };
let node: Proc;


/** One chat turn over WS; resolves with the final text. */
async function ask(text: string): Promise<string> {
  const c = await GatewayClient.connect(gw.url, { token: TOKEN, name: "owner" });
  const final = new Promise<any>((resolve) => (c.on("chat.final", resolve), c.on("chat.error", resolve)));
  await c.request("chat.send", { text });
  const end = await final;
  c.close();
  return end.text ?? `error: ${end.error.code}`;
}

const chatRequests = () => fake.requests.filter((r) => r.path === "/api/chat").map((r) => r.body as any);
const toolMessages = (body: any) => (body.messages as any[]).filter((m) => m.role === "tool").map((m) => String(m.content));

beforeAll(async () => {
  mkdirSync(secret, { recursive: true });
  installNodeSkills(nodeBox);
  fake = await startFakeOllama();
  gw = await startGatewayProc(gwBox, fake.url, GATEWAY_POLICY);
  const policy = nodeBox.file("node-policy.yaml", nodePolicy(nodeBox, secret));
  node = spawnCli(nodeBox, ["node", "--gateway", gw.url, "--token", TOKEN, "--name", "laptop", "--policy", policy], { NODE_PLACE: "the attic" });
  await node.out.waitFor(/moltbot node laptop connected/);
});

afterAll(async () => {
  node?.proc.kill("SIGKILL");
  gw?.proc.kill("SIGKILL");
  await fake?.stop();
  gwBox.cleanup();
  nodeBox.cleanup();
});

describe("the agent and remote nodes", () => {
  test("a model's call of a skill only the node has runs on the node; both sides audit it", async () => {
    fake.script([{ toolCalls: [{ name: "where_am_i", params: {} }] }, { text: "You are in the attic." }]);
    expect(await ask("where am I?")).toBe("You are in the attic.");
    const [first, second] = chatRequests().slice(-2);
    expect(first.tools.map((t: any) => t.function.name)).toContain("where_am_i");
    expect(toolMessages(second).join("\n")).toContain("the attic");
    const here = auditOf(gwBox).filter((e) => e.tool === "where_am_i");
    expect(here).toHaveLength(1);
    expect(here[0]).toMatchObject({ node: "laptop", result: "success", decision: "allow", skill_version: "1.2.3", user: "webchat:owner" });
    const there = auditOf(nodeBox).filter((e) => e.tool === "where_am_i");
    expect(there).toHaveLength(1);
    expect(there[0]).toMatchObject({ node: "laptop", result: "success", session: here[0].session, user: "webchat:owner", output_hash: here[0].output_hash });
  });

  test("the node's deny wins over the gateway's allow, and the model reads the denial", async () => {
    const file = join(secret, "planted.txt");
    fake.script([{ toolCalls: [{ name: "touch_file", params: { path: file } }] }, { text: "I could not write there." }]);
    expect(await ask("write a file")).toBe("I could not write there.");
    expect(existsSync(file)).toBe(false);
    expect(toolMessages(chatRequests().at(-1)).join("\n")).toContain("permission_denied");
    expect(auditOf(gwBox).at(-1)).toMatchObject({ tool: "touch_file", node: "laptop", decision: "allow", result: "denied", error_code: "permission_denied" });
    expect(auditOf(nodeBox).at(-1)).toMatchObject({ tool: "touch_file", node: "laptop", result: "denied" });
  });

  test("after the gateway restarts, the node reconnects and serves calls again", async () => {
    const port = new URL(gw.url).port;
    const before = node.out.text.length;
    gw.proc.kill("SIGTERM");
    expect(await gw.proc.exited).toBe(0);
    await node.err.waitFor(/node laptop: .*retrying in/);
    gw = await startGatewayProc(gwBox, fake.url, GATEWAY_POLICY, Number(port));
    await node.out.waitFor(/moltbot node laptop reconnected/, before);
    const c = await GatewayClient.connect(gw.url, { token: TOKEN, name: "owner" });
    expect(await c.request("node.invoke", { node: "laptop", tool: "where_am_i", params: {} })).toEqual({ node: "laptop", result: { place: "the attic" } });
    c.close();
  });

  test("SIGTERM stops the node with exit 0 and the gateway forgets it", async () => {
    node.proc.kill("SIGTERM");
    expect(await node.proc.exited).toBe(0);
    const c = await GatewayClient.connect(gw.url, { token: TOKEN, name: "owner" });
    while ((await c.request("status")).nodes.includes("laptop")) await Bun.sleep(10);
    await expect(c.request("node.invoke", { node: "laptop", tool: "where_am_i", params: {} })).rejects.toMatchObject({ error: { code: "not_found" } });
    c.close();
  });
});
