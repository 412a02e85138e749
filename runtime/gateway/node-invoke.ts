// A WS client's `node.invoke` (DESIGN §9): the same gateway gate as the agent's routed calls
// (runtime/agent/call-remote.ts) — a forbidden tool is refused, one needing confirmation is
// refused too (a bare method call has nobody to show the card to) — one audit line naming the
// client and the node, and the client's user/session/channel passed on for the node's audit.
import { fail, moltError, MoltFailure, type MoltError } from "../contracts/errors.ts";
import type { ToolResult } from "../contracts/tool.ts";
import { auditResultOf, callRecord } from "../runner/run-skill.ts";
import type { Connection } from "./connection.ts";
import type { Hub } from "./hub.ts";

export interface NodeInvokeRequest {
  node: string;
  tool: string;
  params?: unknown;
}

export async function clientNodeInvoke(hub: Hub, conn: Connection, p: NodeInvokeRequest): Promise<{ node: string; result: unknown }> {
  const gate = hub.opts.nodeGate;
  const ctx = { user: conn.user, session: hub.sessionFor(conn.user), channel: "webchat" };
  if (!gate) {
    // Nothing here can check the gateway's forbidden list or write its audit line: only the
    // holder of the gateway's token (its owner) may drive a node directly.
    if (!conn.withToken) fail("unauthorized", "node.invoke is not available: this gateway has no trust gate for direct node calls", "ask in a chat instead, or configure gateway.token");
    return { node: p.node, result: unwrap(await hub.invokeRemote(p.node, p.tool, p.params, ctx)) };
  }
  // An unknown node is audited too: invokeRemote answers not_found.
  const version = hub.nodes.get(p.node)?.skills.find((s) => s.name === p.tool)?.version ?? null;
  const started = performance.now();
  const { trust, rule } = gate.trust(p.tool);
  // The agent's audit shape (call-remote.ts): one line per call, whatever became of it.
  const finish = (result: ToolResult, approved: boolean | null): ToolResult => {
    gate.audit(callRecord(p.tool, p.params, { ...ctx, node: p.node, version }, trust, result, auditResultOf(result), approved, performance.now() - started));
    return result;
  };
  const refuse = (e: MoltError, approved: boolean | null): never => {
    finish({ ok: false, error: e }, approved);
    throw new MoltFailure(e);
  };

  // A skill the connected node does not have is not_found whatever the policy says of its name.
  const node = hub.nodes.get(p.node);
  if (node && !node.skills.some((s) => s.name === p.tool)) {
    return refuse(moltError("not_found", `node ${p.node} has no skill named ${p.tool.slice(0, 64)}`, "see 'status' for the connected nodes"), null);
  }
  if (trust === "forbid") return refuse(moltError("forbidden", `${p.tool} is forbidden by the gateway's policy (${rule})`), null);
  if (trust === "confirm") {
    return refuse(moltError("confirmation_required", `${p.tool} needs confirmation (${rule}) and node.invoke cannot ask for it`, "ask for it in a chat, where it can be confirmed"), false);
  }
  const result = await hub.invokeRemote(p.node, p.tool, p.params, ctx);
  return { node: p.node, result: unwrap(finish(result, null)) };
}

function unwrap(result: ToolResult): unknown {
  if (!result.ok) throw new MoltFailure(result.error);
  return result.output;
}
