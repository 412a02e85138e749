// Routing to remote nodes (DESIGN §9): a node's skill is offered only where nothing local has
// the name, runs through the gateway's own gate (forbid, confirmation) before it is sent, and is
// audited here with the node's name. `nodes` stands in for the gateway's connected nodes.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { ToolContext, ToolResult } from "../contracts/tool.ts";
import type { Policy } from "../../policy/index.ts";
import { MoltAgent } from "./agent.ts";
import { SandboxPool } from "../sandbox/index.ts";
import { AgentHome, call, collect, lastToolText, policyYaml, say, ScriptedProvider, turn } from "./test-fixture.ts";
import type { RemoteNodes, RemoteTool } from "./types.ts";

let pool: SandboxPool;
let home: AgentHome;
beforeAll(() => { pool = new SandboxPool({ maxWorkers: 1 }); });
afterAll(async () => { await pool.close(); });
afterEach(() => home?.cleanup());

const LAMP: RemoteTool = { node: "laptop", name: "lamp", description: "switch the desk lamp", parameters: { type: "object", properties: {} }, version: "2.0.0" };

function nodes(tools: RemoteTool[]): RemoteNodes & { calls: { node: string; tool: string; ctx: ToolContext }[] } {
  const calls: { node: string; tool: string; ctx: ToolContext }[] = [];
  return {
    calls,
    remoteTools: () => tools,
    invokeRemote: async (node, tool, _params, ctx): Promise<ToolResult> => (calls.push({ node, tool, ctx }), { ok: true, output: `${tool} ran on ${node}` }),
  };
}
const oneCall = (tool: string) => new ScriptedProvider((req, n) => (n % 2 === 0 ? call(tool, {}) : say(lastToolText(req))));

function agentWith(provider: ScriptedProvider, remote: RemoteNodes, policy: Policy): MoltAgent {
  return new MoltAgent({ provider, skills: () => home.skills, runner: { pool, policy, audit: home.audit, home: home.dir }, remote, memory: home.memory, stateDb: home.stateDb });
}
const offered = (p: ScriptedProvider) => (p.requests[0]?.tools ?? []).map((t) => t.name);

describe("remote nodes", () => {
  test("a tool only a node has runs there and is audited with the node's name and version", async () => {
    home = new AgentHome();
    const remote = nodes([LAMP]);
    const provider = oneCall("lamp");
    const agent = agentWith(provider, remote, policyYaml("  allowedWithoutConfirmation: [lamp]"));
    const events = await collect(agent.run(turn("lamp on")));
    expect(offered(provider)).toContain("lamp");
    expect(events.at(-1)).toMatchObject({ type: "final", text: '"lamp ran on laptop"' });
    expect(remote.calls).toMatchObject([{ node: "laptop", tool: "lamp", ctx: { session: "s1", user: "telegram:1", channel: "telegram", node: "laptop" } }]);
    expect(home.auditLines()).toMatchObject([{ tool: "lamp", node: "laptop", skill_version: "2.0.0", decision: "allow", result: "success", user_approved: null }]);
    agent.close();
  });

  test("a local skill of the same name wins: the node is not called", async () => {
    home = new AgentHome();
    await home.skill("lamp", "export default async () => 'local lamp';");
    const remote = nodes([LAMP]);
    const agent = agentWith(oneCall("lamp"), remote, policyYaml("  allowedWithoutConfirmation: [lamp]"));
    const events = await collect(agent.run(turn("lamp on")));
    expect(events.at(-1)).toMatchObject({ type: "final", text: '"local lamp"' });
    expect(remote.calls).toHaveLength(0);
    expect(home.auditLines()).toMatchObject([{ tool: "lamp", node: "local" }]);
    agent.close();
  });

  test("the gateway's confirmation comes first: a denial never reaches the node", async () => {
    home = new AgentHome();
    const remote = nodes([LAMP]);
    const agent = agentWith(oneCall("lamp"), remote, policyYaml("  requiresConfirmation: [lamp]"));
    const events = await collect(agent.run(turn("lamp on")), async (e) => {
      if (e.type === "approval_request") {
        expect(e.approval.reason).toContain("runs on node laptop");
        await agent.resolveApproval(e.approval.id, "deny", "telegram:1");
      }
    });
    expect(events.at(-1)).toMatchObject({ type: "final", text: expect.stringContaining("confirmation_rejected") });
    expect(remote.calls).toHaveLength(0);
    expect(home.auditLines()).toMatchObject([{ tool: "lamp", node: "laptop", decision: "confirm", result: "rejected", user_approved: false }]);
    agent.close();
  });

  test("a tool the gateway's policy forbids is not offered, and a call of it is refused here", async () => {
    home = new AgentHome();
    const remote = nodes([LAMP]);
    const provider = oneCall("lamp");
    const agent = agentWith(provider, remote, policyYaml("  forbidden: [lamp]"));
    const events = await collect(agent.run(turn("lamp on")));
    expect(offered(provider)).not.toContain("lamp");
    expect(events.at(-1)).toMatchObject({ type: "final", text: expect.stringContaining("forbidden") });
    expect(remote.calls).toHaveLength(0);
    expect(home.auditLines()).toMatchObject([{ tool: "lamp", node: "laptop", result: "forbidden" }]);
    agent.close();
  });
});
