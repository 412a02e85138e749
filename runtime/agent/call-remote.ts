// A tool call routed to a remote node (DESIGN §9). The gateway keeps its own gate — forbid,
// confirmation, the injection guard — and its own audit line (`node: "<name>"`); the node then
// applies *its* policy and audit, so either side can refuse. Errors are values, as everywhere.
import { auditResultOf } from "../runner/run-skill.ts";
import { moltError, type MoltError } from "../contracts/errors.ts";
import type { ToolResult } from "../contracts/tool.ts";
import { trustLevel } from "../../policy/index.ts";
import { auditRecord, type CallContext, type CallDeps } from "./call-tool.ts";
import type { RemoteTool } from "./types.ts";

export async function callRemote(tool: RemoteTool, params: unknown, guardReason: string | null, ctx: CallContext, deps: CallDeps): Promise<ToolResult> {
  const started = performance.now();
  const { trust, rule } = trustLevel(deps.policy, tool.name);
  const finish = (result: ToolResult, approved: boolean | null): ToolResult => {
    const record = auditRecord(tool.name, params, ctx, trust, result, auditResultOf(result), approved, performance.now() - started, { node: tool.node, version: tool.version });
    deps.runner.audit?.append(record);
    return result;
  };
  const failWith = (e: MoltError, approved: boolean | null) => finish({ ok: false, error: e }, approved);

  if (trust === "forbid") return failWith(moltError("forbidden", `${tool.name} is forbidden by the policy (${rule})`), null);
  let approved: boolean | null = null;
  if (trust === "confirm" || guardReason) {
    const reason = `${guardReason ?? `policy requires confirmation for ${tool.name} (${rule})`}; it runs on node ${tool.node}`;
    const answer = await deps.gate.ask(ctx, { tool: tool.name, params, reason, guarded: guardReason !== null });
    if (answer === "unavailable") return failWith(moltError("confirmation_required", `${tool.name} needs confirmation and there is nobody to ask`), false);
    if (!answer) return failWith(moltError("confirmation_rejected", `running ${tool.name} was rejected`), false);
    approved = true;
  }
  if (!deps.remote) return failWith(moltError("internal", `no route to node ${tool.node}`, "remote nodes are reached through the gateway"), approved);
  const result = await deps.remote.invokeRemote(tool.node, tool.name, params, { session: ctx.session, channel: ctx.channel, user: ctx.user, node: tool.node, signal: ctx.signal });
  return finish(result, approved);
}

