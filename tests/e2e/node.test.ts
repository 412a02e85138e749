// `moltbot node` (DESIGN §9) end to end: a real gateway process and a real node process, each
// with its own home and policy. Calls run on the node (its environment, its files), under the
// node's policy and audit; the agent routes a model's tool call there; the node comes back after
// the gateway restarts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";
import { Sandbox } from "../helpers/cli.ts";
import { spawnCli, startGatewayProc, TOKEN, type Proc } from "./node-helpers.ts";

const gwBox = new Sandbox();
const nodeBox = new Sandbox();
const allowed = join(nodeBox.dir, "allowed");
const secret = join(nodeBox.dir, "private");
let fake: FakeModelServer;
let gw: Proc & { url: string };
let node: Proc;

// The gateway would run both tools without asking; it has neither skill itself.
const GATEWAY_POLICY = "version: 1\ntrust:\n  allowedWithoutConfirmation: [where_am_i, touch_file]\n  default: confirm\n";
const NODE_POLICY = `version: 1
prompt: false
trust:
  allowedWithoutConfirmation: [where_am_i, touch_file]
  default: confirm
deny:
  write: ["${secret}"]
skills:
  where_am_i: { allow: { env: [NODE_PLACE] } }
  touch_file: { allow: { write: ["${nodeBox.dir}"] } }
`;

function installOnNode(name: string, permissions: Record<string, unknown>, parameters: Record<string, unknown>, source: string): void {
  const dir = join(nodeBox.home, "skills", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "skill.json"), JSON.stringify({ name, version: "1.2.3", description: `node test skill ${name}`, implementation: "main.js", parameters, permissions }));
  writeFileSync(join(dir, "main.js"), source);
}

const auditOf = (box: Sandbox) => readFileSync(join(box.home, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
const connect = () => GatewayClient.connect(gw.url, { token: TOKEN, name: "tester" });

beforeAll(async () => {
  mkdirSync(allowed, { recursive: true });
  mkdirSync(secret, { recursive: true });
  installOnNode("where_am_i", { env: ["NODE_PLACE"] }, {}, "export default async () => ({ place: env.get('NODE_PLACE') });");
  installOnNode("touch_file", { write: [nodeBox.dir] }, { path: { type: "string", required: true } },
    "export default async ({ path }) => { await fs.writeTextFile(path, 'written on the node'); return { wrote: path }; };");
  const policyFile = nodeBox.file("node-policy.yaml", NODE_POLICY);
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
