// `moltbot node` (DESIGN §9) end to end: a real gateway process and a real node process, each
// with its own home and policy. Calls run on the node (its environment, its files), under the
// node's policy and audit; the agent routes a model's tool call there; the node comes back after
// the gateway restarts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";
import { Sandbox } from "../helpers/cli.ts";
import { auditOf, GATEWAY_POLICY, installNodeSkills, nodePolicy, spawnCli, startGatewayProc, TOKEN, type Proc } from "./node-helpers.ts";

const gwBox = new Sandbox();
const nodeBox = new Sandbox();
const allowed = join(nodeBox.dir, "allowed");
const secret = join(nodeBox.dir, "private");
let fake: FakeModelServer;
let gw: Proc & { url: string };
let node: Proc;

const connect = () => GatewayClient.connect(gw.url, { token: TOKEN, name: "tester" });

beforeAll(async () => {
  mkdirSync(allowed, { recursive: true });
  mkdirSync(secret, { recursive: true });
  installNodeSkills(nodeBox);
  const policyFile = nodeBox.file("node-policy.yaml", nodePolicy(nodeBox, secret));
  fake = await startFakeOllama();
  gw = await startGatewayProc(gwBox, fake.url, GATEWAY_POLICY);
  node = spawnCli(nodeBox, ["node", "--gateway", gw.url.replace("http:", "ws:"), "--token", TOKEN, "--name", "laptop", "--policy", policyFile], { NODE_PLACE: "the attic" });
  await node.out.waitFor(/moltbot node laptop connected/);
});

afterAll(async () => {
  node?.proc.kill("SIGKILL");
  gw?.proc.kill("SIGKILL");
  await fake?.stop();
  gwBox.cleanup();
  nodeBox.cleanup();
});

describe("moltbot node", () => {
  test("status and /health list the node with the skills it advertises", async () => {
    const c = await connect();
    const status = await c.request("status");
    expect(status.nodes).toContain("laptop");
    const laptop = status.node_details.find((n: any) => n.name === "laptop");
    expect(laptop.skills).toEqual(expect.arrayContaining(["where_am_i", "touch_file", "file_read"]));
    expect(laptop.capabilities).toMatchObject({ platform: process.platform, prompts: "deny" });
    const health = (await (await fetch(`${gw.url}/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as any;
    expect(health.nodes.laptop).toMatchObject({ status: "connected", skills: expect.arrayContaining(["where_am_i"]) });
    c.close();
  });

  test("node.invoke runs the skill on the node: its environment, its audit log", async () => {
    const c = await connect();
    expect(await c.request("node.invoke", { node: "laptop", tool: "where_am_i", params: {} })).toEqual({ node: "laptop", result: { place: "the attic" } });
    const file = join(allowed, "hello.txt");
    await c.request("node.invoke", { node: "laptop", tool: "touch_file", params: { path: file } });
    expect(readFileSync(file, "utf8")).toBe("written on the node");
    expect(auditOf(nodeBox).filter((e) => e.tool === "where_am_i").at(-1)).toMatchObject({ node: "laptop", result: "success", decision: "allow", skill_version: "1.2.3" });
    c.close();
  });

  test("the node's policy denies what the gateway's would allow", async () => {
    const c = await connect();
    const file = join(secret, "nope.txt");
    await expect(c.request("node.invoke", { node: "laptop", tool: "touch_file", params: { path: file } })).rejects.toMatchObject({ error: { code: "permission_denied" } });
    expect(existsSync(file)).toBe(false);
    expect(auditOf(nodeBox).at(-1)).toMatchObject({ tool: "touch_file", node: "laptop", result: "denied" });
    c.close();
  });

  test("an unknown node or a skill the node lacks is not_found", async () => {
    const c = await connect();
    await expect(c.request("node.invoke", { node: "desktop", tool: "where_am_i", params: {} })).rejects.toMatchObject({ error: { code: "not_found", message: expect.stringContaining("desktop") } });
    await expect(c.request("node.invoke", { node: "laptop", tool: "no_such_skill", params: {} })).rejects.toMatchObject({ error: { code: "not_found", message: expect.stringContaining("no_such_skill") } });
    c.close();
  });

  test("a wrong token: one line on stderr, exit 3, the token not echoed", async () => {
    const r = await nodeBox.run(["node", "--gateway", gw.url, "--token", "wrong-token-xyz", "--name", "intruder"]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
    expect(r.stderr).toContain("refused node intruder");
    expect(r.stderr).not.toContain("wrong-token-xyz");
  });
});
