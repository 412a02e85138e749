// One tool call of a turn. Skills go through runSkill (validate → trust → confirm → sandbox →
// audit); tools that do not run in the sandbox (skill_read, extraTools) get the same trust
// gate, confirmation and audit line here. Errors are values: the caller always gets a result.
import type { AuditRecord, AuditResult } from "../contracts/audit.ts";
import { moltError, toMoltError, type MoltError } from "../contracts/errors.ts";
import type { Skill } from "../contracts/skill.ts";
import type { Tool, ToolResult } from "../contracts/tool.ts";
import { trustLevel, type Policy, type TrustDecision } from "../../policy/index.ts";
import { validateParams } from "../../skills/index.ts";
import { callRecord, runSkill } from "../runner/run-skill.ts";
import type { ApprovalGate, AskContext } from "./approval-gate.ts";
import type { TurnGuard } from "./guard.ts";
import { callRemote } from "./call-remote.ts";
import type { ToolEntry } from "./toolset.ts";
import type { AgentRunner, RemoteNodes } from "./types.ts";

export interface CallContext extends AskContext {
  channel: string;
  guard: TurnGuard;
}

export interface CallDeps {
  runner: AgentRunner;
  policy: Policy;
  gate: ApprovalGate;
  /** Where skills of remote nodes run (DESIGN §9). */
  remote?: RemoteNodes;
}

export async function callTool(entry: ToolEntry, params: unknown, ctx: CallContext, deps: CallDeps): Promise<ToolResult> {
  const name = entry.kind === "skill" ? entry.skill.name : entry.kind === "remote" ? entry.remote.name : entry.tool.name;
  const guardReason = ctx.guard.reasonFor(name);
  const result = entry.kind === "skill"
    ? await callSkill(entry.skill, params, guardReason, ctx, deps)
    : entry.kind === "remote"
      ? await callRemote(entry.remote, params, guardReason, ctx, deps)
      : await callPlainTool(entry.tool, entry.builtin, params, guardReason, ctx, deps);
  if (result.ok) ctx.guard.observe(name);
  return result;
}

async function callSkill(skill: Skill, params: unknown, guardReason: string | null, ctx: CallContext, deps: CallDeps): Promise<ToolResult> {
  const { runner, gate } = deps;
  const report = await runSkill(skill, params, {
    pool: runner.pool,
    // The guard makes an allowed tool need confirmation by running it under a policy that lists it
    // in requiresConfirmation: runSkill then asks and audits `decision: confirm` with the answer.
    policy: guardReason ? requireConfirmation(deps.policy, skill.name) : deps.policy,
    audit: runner.audit,
    home: runner.home,
    ...(runner.mail ? { mail: runner.mail } : {}),
    ...(runner.credentials ? { credentials: runner.credentials } : {}),
    confirm: (req) => gate.ask(ctx, { tool: req.tool, params: req.params, reason: guardReason ?? req.reason, guarded: guardReason !== null }),
    prompt: (req, decision) => gate.ask(ctx, {
      tool: skill.name, params, reason: decision.reason, guarded: false,
      permission: req.value === undefined ? { kind: req.kind } : { kind: req.kind, value: req.value },
    }),
    context: { session: ctx.session, channel: ctx.channel, user: ctx.user },
    signal: ctx.signal,
  });
  return report.result;
}

export function requireConfirmation(policy: Policy, tool: string): Policy {
  if (policy.trust.requiresConfirmation.includes(tool)) return policy;
  return { ...policy, trust: { ...policy.trust, requiresConfirmation: [...policy.trust.requiresConfirmation, tool] } };
}

async function callPlainTool(tool: Tool, builtin: boolean, params: unknown, guardReason: string | null, ctx: CallContext, deps: CallDeps): Promise<ToolResult> {
  const started = performance.now();
  let { trust, rule } = trustLevel(deps.policy, tool.name) as TrustDecision;
  // skill_read only reads what is installed: it needs no confirmation, but a forbid still holds.
  if (builtin && trust !== "forbid") ({ trust, rule } = { trust: "allow", rule: "built-in" });
  const finish = (result: ToolResult, audit: AuditResult, approved: boolean | null): ToolResult => {
    deps.runner.audit?.append(auditRecord(tool.name, params, ctx, trust, result, audit, approved, performance.now() - started));
    return result;
  };
  const failWith = (e: MoltError, audit: AuditResult, approved: boolean | null) => finish({ ok: false, error: e }, audit, approved);

  if (trust === "forbid") return failWith(moltError("forbidden", `${tool.name} is forbidden by the policy (${rule})`), "forbidden", null);
  const valid = validateParams(asSkill(tool), params);
  if (!valid.ok) return failWith(valid.error, "error", null);
  let approved: boolean | null = null;
  if (trust === "confirm" || guardReason) {
    const reason = guardReason ?? `policy requires confirmation for ${tool.name} (${rule})`;
    const answer = await deps.gate.ask(ctx, { tool: tool.name, params: valid.value, reason, guarded: guardReason !== null });
    if (answer === "unavailable") return failWith(moltError("confirmation_required", `${tool.name} needs confirmation and there is nobody to ask`), "rejected", false);
    if (!answer) return failWith(moltError("confirmation_rejected", `running ${tool.name} was rejected`), "rejected", false);
    approved = true;
  }
  let result: ToolResult;
  try {
    result = await tool.execute(valid.value, { session: ctx.session, channel: ctx.channel, user: ctx.user, node: "local", signal: ctx.signal });
  } catch (err) {
    result = { ok: false, error: toMoltError(err) };
  }
  return finish(result, result.ok ? "success" : result.error.code === "timeout" ? "timeout" : "error", approved);
}

/** How a call's tool name is shown in events, messages and the audit log: as the model gave it,
 * capped (a name is at most 64 characters; a model can send anything), or "(no name)". */
export function shownToolName(name: string): string {
  if (name === "") return "(no name)";
  return name.length <= MAX_SHOWN_NAME ? name : `${name.slice(0, MAX_SHOWN_NAME)}…`;
}
const MAX_SHOWN_NAME = 64;

/**
 * A call to a tool the turn does not have (not installed, misspelt, or no name at all): a
 * not_found result the model can correct, and — like every tool call (DESIGN §6) — one audit
 * line, result "error", written the way a forbidden plain tool's refusal is. `decision` is what
 * the policy says for that name, so a call to an uninstalled but forbidden tool reads "forbid".
 */
export function refuseUnknown(name: string, params: unknown, offered: string[], ctx: CallContext, deps: CallDeps): ToolResult {
  const started = performance.now();
  const shown = shownToolName(name);
  const list = offered.length > 0 ? `call one of the tools offered: ${capList(offered)}` : "no tools are offered in this conversation; answer in text";
  const error = name === ""
    ? moltError("not_found", "the model sent a tool call without a name; nothing was run", list)
    : moltError("not_found", `no tool named ${shown}`, list);
  const result: ToolResult = { ok: false, error };
  const { trust } = trustLevel(deps.policy, name);
  deps.runner.audit?.append(auditRecord(shown, params, ctx, trust, result, "error", null, performance.now() - started));
  return result;
}

function capList(names: string[]): string {
  const text = names.join(", ");
  return text.length <= 300 ? text : `${text.slice(0, 300)}…`;
}

const asSkillCache = new WeakMap<Tool, Skill>();
function asSkill(tool: Tool): Skill {
  let s = asSkillCache.get(tool);
  if (!s) {
    s = { name: tool.name, version: "0.0.0", description: tool.description, dir: "", kind: "executable", parameters: tool.parameters, permissions: {}, credentials: [], sources: [] };
    asSkillCache.set(tool, s);
  }
  return s;
}

/** One audit line for a call that did not go through runSkill here; `where` names a remote node and its skill's version. */
export function auditRecord(
  tool: string, params: unknown, ctx: CallContext, trust: TrustDecision["trust"], result: ToolResult, audit: AuditResult, approved: boolean | null, ms: number,
  where: { node: string; version: string | null } = { node: "local", version: null },
): AuditRecord {
  return callRecord(tool, params, { session: ctx.session, channel: ctx.channel, user: ctx.user, ...where }, trust, result, audit, approved, ms);
}
