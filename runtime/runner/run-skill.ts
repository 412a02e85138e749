// One tool call through the whole path: validate → trust gate → confirmation → sandbox → audit.
// Errors are values here (pi-mono style): the caller always gets a ToolResult, and every call,
// whatever its outcome, leaves exactly one audit line.
import { moltError, type MoltError } from "../contracts/errors.ts";
import type { AuditEntry, AuditRecord, AuditResult } from "../contracts/audit.ts";
import type { PermissionDecision, PermissionRequest, TrustLevel } from "../contracts/permissions.ts";
import type { PromptHandler, SandboxOutcome } from "../contracts/sandbox.ts";
import type { Skill } from "../contracts/skill.ts";
import type { ToolResult } from "../contracts/tool.ts";
import { effectiveLimits, trustLevel, type Policy } from "../../policy/index.ts";
import { validateParams } from "../../skills/index.ts";
import type { SandboxPool } from "../sandbox/index.ts";
import type { MailAccount } from "../sandbox/host/mail-types.ts";
import type { AuditLog } from "../audit/index.ts";
import { outputHash } from "../audit/index.ts";
import { moltbotHome } from "../home.ts";

export interface ConfirmRequest {
  tool: string;
  params: unknown;
  reason: string;
}

/** How the caller answers questions: true = yes; "unavailable" = nobody can be asked. */
export type Answer = boolean | "unavailable";

export interface RunDeps {
  pool: SandboxPool;
  policy: Policy;
  audit: AuditLog | null;
  /** The user's home, for `~` in grants and paths. */
  home: string;
  confirm(req: ConfirmRequest): Promise<Answer>;
  prompt(req: PermissionRequest, decision: PermissionDecision): Promise<Answer>;
  context?: { session?: string; channel?: string; user?: string; node?: string };
  signal?: AbortSignal;
  /** The user's mail account (config.yaml `mail:`), for mail.* on the host; never enters the sandbox. */
  mail?: MailAccount;
  /** Credential values by name (config.yaml `credentials:`); each goes only to its `host`. */
  credentials?: Record<string, { value: string; host?: string }>;
}

export interface RunReport {
  result: ToolResult;
  trust: TrustLevel;
  userApproved: boolean | null;
  outcome?: SandboxOutcome;
  audit?: AuditEntry;
}

export async function runSkill(skill: Skill, params: unknown, deps: RunDeps): Promise<RunReport> {
  const started = performance.now();
  const { trust, rule } = trustLevel(deps.policy, skill.name);
  const finish = (result: ToolResult, audit: AuditResult, userApproved: boolean | null, outcome?: SandboxOutcome): RunReport => {
    const record = auditRecord(skill, params, deps, trust, result, audit, userApproved, performance.now() - started, outcome);
    const entry = deps.audit?.append(record);
    return { result, trust, userApproved, outcome, audit: entry };
  };
  const failWith = (error: MoltError, audit: AuditResult, userApproved: boolean | null) =>
    finish({ ok: false, error }, audit, userApproved);

  if (skill.kind !== "executable" || !skill.implementation) {
    return failWith(moltError("invalid_input", `${skill.name} is an instruction skill; it has no implementation to run`, "instruction skills are read by the model, not executed"), "error", null);
  }
  if (trust === "forbid") {
    return failWith(moltError("forbidden", `${skill.name} is forbidden by the policy (${rule})`, `remove it from trust.forbidden in policy.yaml to allow it`), "forbidden", null);
  }
  const valid = validateParams(skill, params);
  if (!valid.ok) return failWith(valid.error, "error", null);
  // A credential goes only to the host the user named for it in config.yaml, never to the one
  // a manifest names: values are shared by name, so any skill could declare "github" with a
  // host of its own and have the user's token sent there.
  const hostless = skill.credentials.find((c) => deps.credentials && Object.hasOwn(deps.credentials, c.name) && !deps.credentials[c.name]?.host);
  if (hostless) {
    return failWith(
      moltError(
        "invalid_config",
        `config.yaml: credentials.${hostless.name} has no host, so ${skill.name} is not given it`,
        `${skill.name} asks to send it to ${hostless.host}; if that is right, add host: ${hostless.host} under credentials.${hostless.name} in config.yaml`,
      ),
      "error",
      null,
    );
  }

  let userApproved: boolean | null = null;
  if (trust === "confirm") {
    const answer = await deps.confirm({ tool: skill.name, params: valid.value, reason: `policy requires confirmation for ${skill.name} (${rule})` });
    if (answer === "unavailable") {
      return failWith(moltError("confirmation_required", `${skill.name} needs confirmation and there is nobody to ask`, "run it in a terminal, pass --yes, or list it under trust.allowedWithoutConfirmation"), "rejected", false);
    }
    if (!answer) return failWith(moltError("confirmation_rejected", `running ${skill.name} was rejected`), "rejected", false);
    userApproved = true;
  }

  let unanswered: PermissionRequest | null = null;
  const onPrompt: PromptHandler = async (req, decision) => {
    const answer = await deps.prompt(req, decision);
    if (answer === "unavailable") {
      unanswered ??= req;
      return false;
    }
    if (answer === true && userApproved === null) userApproved = true;
    return answer === true;
  };
  const outcome = await deps.pool.run(
    {
      skill: { name: skill.name, version: skill.version, dir: skill.dir, implementation: skill.implementation, permissions: skill.permissions },
      params: valid.value,
      policy: deps.policy,
      limits: effectiveLimits(deps.policy, skill.name),
      home: deps.home,
      protect: [moltbotHome()],
      mail: deps.mail,
      session: deps.context?.session,
      user: deps.context?.user,
      credentials: skill.credentials.flatMap((c) => {
        const v = deps.credentials && Object.hasOwn(deps.credentials, c.name) ? deps.credentials[c.name] : undefined;
        return v?.host ? [{ ...c, host: v.host, value: v.value }] : [];
      }),
    },
    { onPrompt, signal: deps.signal },
  );
  let result = outcome.result as ToolResult;
  if (!result.ok && result.error.code === "permission_denied" && unanswered) {
    const req = unanswered as PermissionRequest;
    result = {
      ok: false,
      error: moltError(
        "confirmation_required",
        `${skill.name} needs ${req.kind} access${req.value ? ` to "${req.value}"` : ""} and there is nobody to ask`,
        `run it in a terminal, pass --yes, or grant it in policy.yaml under skills.${skill.name}.allow.${req.kind}`,
      ),
    };
  }
  return finish(result, auditResultOf(result), userApproved, outcome);
}

/** A call's outcome in the audit log's words. */
export function auditResultOf(result: ToolResult): AuditResult {
  if (result.ok) return "success";
  switch (result.error.code) {
    case "permission_denied":
    case "confirmation_required":
      return "denied";
    case "forbidden":
      return "forbidden";
    case "confirmation_rejected":
      return "rejected";
    case "timeout":
      return "timeout";
    default:
      return "error";
  }
}

/** Where a call was made and what ran: the audit line's who and where. */
export interface CallSite {
  session: string | null;
  channel: string | null;
  user: string | null;
  node: string;
  version: string | null;
}

/** One tool call's audit line (DESIGN §6), however it ran: here, in the agent, or on a node. */
export function callRecord(
  tool: string, params: unknown, site: CallSite, trust: TrustLevel, result: ToolResult,
  audit: AuditResult, userApproved: boolean | null, durationMs: number,
): AuditRecord {
  const record: AuditRecord = {
    tool,
    parameters: params ?? null,
    user_approved: userApproved,
    result: audit,
    output_hash: result.ok ? outputHash(result.output) : null,
    skill_version: site.version,
    session: site.session,
    channel: site.channel,
    user: site.user,
    node: site.node,
    decision: trust,
    duration_ms: Math.round(durationMs),
  };
  if (!result.ok) record.error_code = result.error.code;
  return record;
}

function auditRecord(
  skill: Skill, params: unknown, deps: RunDeps, trust: TrustLevel, result: ToolResult,
  audit: AuditResult, userApproved: boolean | null, durationMs: number, outcome?: SandboxOutcome,
): AuditRecord {
  const c = deps.context;
  const site = { session: c?.session ?? null, channel: c?.channel ?? null, user: c?.user ?? null, node: c?.node ?? "local", version: skill.version };
  const record = callRecord(skill.name, params, site, trust, result, audit, userApproved, durationMs);
  const denials = outcome?.denials.map(({ kind, value, rule }) => (value === undefined ? { kind, rule } : { kind, value, rule }));
  if (denials && denials.length > 0) record.denials = denials;
  if (outcome?.denialsOmitted) record.denials_omitted = outcome.denialsOmitted;
  return record;
}
