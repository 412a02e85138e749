// A tool call routed to a remote node (DESIGN §9). The gateway keeps its own gate — forbid,
// confirmation, the injection guard — and its own audit line (`node: "<name>"`); the node then
// applies *its* policy and audit, so either side can refuse. Errors are values, as everywhere.
// When the gateway's user approved this very call, the approval travels with it: a node started
// with --accept-approvals takes it as the answer to its own confirmation (never to a deny).
import type { AgentEvent } from "../contracts/agent.ts";
import { auditResultOf } from "../runner/run-skill.ts";
import { moltError, type MoltError } from "../contracts/errors.ts";
import type { ToolContext, ToolResult } from "../contracts/tool.ts";
import { trustLevel } from "../../policy/index.ts";
import { auditRecord, type CallContext, type CallDeps } from "./call-tool.ts";
import type { RemoteTool } from "./types.ts";

/** The user's yes to one call, as the gateway relays it to the node (`tool.invoke` context.approved). */
export interface RelayedApproval {
  by: string;
  /** The approval's id; absent when a remembered "always" answered. */
  approval?: string;
}

/** What invokeRemote is given: the call's context, plus the relayed approval when there was one. */
export interface RemoteCallContext extends ToolContext {
  approved?: RelayedApproval;
}

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
  let approval: string | undefined;
  if (trust === "confirm" || guardReason) {
    const reason = `${guardReason ?? `policy requires confirmation for ${tool.name} (${rule})`}; it runs on node ${tool.node}`;
    // The gate's question carries the approval's id; the node's audit can then name it.
    const emit = (e: AgentEvent) => (e.type === "approval_request" && (approval = e.approval.id), ctx.emit(e));
    const answer = await deps.gate.ask({ ...ctx, emit }, { tool: tool.name, params, reason, guarded: guardReason !== null });
    if (answer === "unavailable") return failWith(moltError("confirmation_required", `${tool.name} needs confirmation and there is nobody to ask`), false);
    if (!answer) return failWith(moltError("confirmation_rejected", `running ${tool.name} was rejected`), false);
    approved = true;
  }
  if (!deps.remote) return failWith(moltError("internal", `no route to node ${tool.node}`, "remote nodes are reached through the gateway"), approved);
  const remoteCtx: RemoteCallContext = {
    session: ctx.session, channel: ctx.channel, user: ctx.user, node: tool.node, signal: ctx.signal,
    // Only the requester (or the owner) may answer, and the gate says yes only for them.
    ...(approved ? { approved: { by: ctx.user, ...(approval ? { approval } : {}) } } : {}),
  };
  const result = await deps.remote.invokeRemote(tool.node, tool.name, params, remoteCtx);
  return finish(result.ok ? result : { ok: false, error: fromNode(result.error, tool.node) }, approved);
}

/** Says where a refusal came from: the node's errors are its policy's and flags', not ours. */
function fromNode(e: MoltError, node: string): MoltError {
  if (e.message.includes(`node ${node}`)) return e; // the node or the hub already said so
  return { ...e, message: `on node ${node}: ${e.message}`, ...(e.hint !== undefined ? { hint: `${e.hint} (on node ${node}, in its policy file or flags)` } : {}) };
}
