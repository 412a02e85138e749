// The permission decision (DESIGN §5): effective = declared ∩ granted − denied. Pure and
// fail-closed: anything unexpected denies, and a deny is never turned into a prompt.
import {
  BOOLEAN_KINDS,
  type BooleanKind,
  type DeclaredPermissions,
  type PermissionDecision,
  type PermissionRequest,
  SCOPED_KINDS,
  type ScopedKind,
} from "../runtime/contracts/permissions.ts";
import { netIsLiteral } from "./net-match.ts";
import type { RunRequest } from "./run-match.ts";
import { isValidRunRequest } from "./run-match.ts";
import { quote } from "./quote.ts";
import { type Entry, type ScopedRequest, allows, denies, entriesOf, narrowest, parseScopedRequest, strictlyCovers } from "./scope-entries.ts";
import { isLoopbackName, isSpecialAddress } from "./special-address.ts";
import { trustLevel } from "./trust.ts";
import type { Policy, PolicyEnv, SkillPolicy } from "./types.ts";

export interface SkillRef {
  name: string;
  permissions: DeclaredPermissions;
}

const deny = (rule: string, reason: string): PermissionDecision => ({ decision: "deny", rule, reason });

export function skillPolicy(policy: Policy, name: string): SkillPolicy | undefined {
  return Object.hasOwn(policy.skills, name) ? policy.skills[name] : undefined;
}

const grantHint = (skill: string, kind: string) => `grant it in policy.yaml under skills.${skill}.allow.${kind}`;

/** Special category of a net request's host as written: an IP literal or a loopback name. */
function specialOf(r: ScopedRequest): string | null {
  if (r.kind !== "net") return null;
  if (r.net.ip) return isSpecialAddress(r.net.ip);
  return isLoopbackName(r.net.host) ? "loopback" : null;
}

/** The first deny that applies, after `precedence: specific` lets narrower skill allows through. */
export function findDeny(
  policy: Policy,
  skill: string,
  kind: ScopedKind,
  r: ScopedRequest,
  env: PolicyEnv,
  only: (e: Entry) => boolean = () => true,
): Entry | undefined {
  const sp = skillPolicy(policy, skill);
  const skillDeny = entriesOf(sp?.deny, kind, `skills.${skill}.deny`, env).find((e) => only(e) && denies(e, r));
  if (skillDeny) return skillDeny;
  const globals = entriesOf(policy.deny, kind, "deny", env).filter((e) => only(e) && denies(e, r));
  if (policy.precedence !== "specific") return globals[0];
  const grants = entriesOf(sp?.allow, kind, `skills.${skill}.allow`, env).filter((e) => allows(e, r));
  return globals.find((d) => !grants.some((a) => strictlyCovers(kind, d, a)));
}

function decideScoped(policy: Policy, skill: SkillRef, kind: ScopedKind, r: ScopedRequest, shown: string, env: PolicyEnv): PermissionDecision {
  const needs = `Requires ${kind} access to ${quote(shown)}`;
  const declared = skill.permissions[kind];
  if (declared === undefined) return deny("manifest", `${needs}, which skill "${skill.name}" does not declare in its manifest permissions`);
  if (declared !== "all" && !entriesOf({ [kind]: declared }, kind, "manifest", env).some((e) => allows(e, r))) {
    return deny("manifest", `${needs}, which is not listed in skill "${skill.name}"'s manifest permissions.${kind}`);
  }
  const denied = findDeny(policy, skill.name, kind, r, env);
  if (denied) return deny(denied.rule, `${needs}, which policy.yaml denies (${denied.rule}: ${quote(denied.text)})`);
  const grants = entriesOf(skillPolicy(policy, skill.name)?.allow, kind, `skills.${skill.name}.allow`, env).filter((e) => allows(e, r));
  const special = specialOf(r);
  if (special) {
    const literal = narrowest(kind, grants.filter((e) => e.net !== undefined && netIsLiteral(e.net)));
    if (literal) return { decision: "allow", rule: literal.rule, reason: `granted by ${literal.rule}` };
    return deny(
      "special-address",
      `${needs}, a ${special} address; it is never prompted for, name it literally (IP, CIDR or exact host) in policy.yaml under skills.${skill.name}.allow.net`,
    );
  }
  // Credit the narrowest grant: with `precedence: specific` it is the one that beat a deny.
  const grant = narrowest(kind, grants);
  if (grant) return { decision: "allow", rule: grant.rule, reason: `granted by ${grant.rule}` };
  if (policy.prompt) return { decision: "prompt", rule: "prompt", reason: `${needs}, ${grantHint(skill.name, kind)}` };
  return deny("prompt", `${needs}, ${grantHint(skill.name, kind)} (prompting is off: prompt: false)`);
}

function decideBoolean(policy: Policy, skill: SkillRef, kind: BooleanKind): PermissionDecision {
  const needs = `Requires ${kind} access`;
  if (skill.permissions[kind] !== true) return deny("manifest", `${needs}, which skill "${skill.name}" does not declare in its manifest permissions`);
  const sp = skillPolicy(policy, skill.name);
  if (sp?.deny[kind] === true) return deny(`skills.${skill.name}.deny.${kind}`, `${needs}, which policy.yaml denies (skills.${skill.name}.deny.${kind})`);
  if (policy.deny[kind] === true) return deny(`deny.${kind}`, `${needs}, which policy.yaml denies (deny.${kind})`);
  if (sp?.allow[kind] === true) return { decision: "allow", rule: `skills.${skill.name}.allow.${kind}`, reason: `granted by skills.${skill.name}.allow.${kind}` };
  if (policy.prompt) return { decision: "prompt", rule: "prompt", reason: `${needs}, grant it in policy.yaml with skills.${skill.name}.allow.${kind}: true` };
  return deny("prompt", `${needs}, grant it in policy.yaml with skills.${skill.name}.allow.${kind}: true (prompting is off: prompt: false)`);
}

function forbiddenFor(policy: Policy, tool: string): PermissionDecision | null {
  const t = trustLevel(policy, tool);
  if (t.trust !== "forbid") return null;
  return { decision: "forbidden", rule: t.rule, reason: `Tool "${tool}" is forbidden by policy.yaml (${t.rule})` };
}

function guarded(f: () => PermissionDecision): PermissionDecision {
  try {
    return f();
  } catch (err) {
    return deny("internal", `permission check failed (${err instanceof Error ? err.message : "error"}); denied`);
  }
}

/** Decides one permission request of a skill. Never throws; any error denies. */
export function checkPermission(policy: Policy, skill: SkillRef, req: PermissionRequest, env: PolicyEnv): PermissionDecision {
  return guarded(() => {
    const forbidden = forbiddenFor(policy, skill.name);
    if (forbidden) return forbidden;
    if ((BOOLEAN_KINDS as readonly string[]).includes(req.kind)) return decideBoolean(policy, skill, req.kind as BooleanKind);
    if (!(SCOPED_KINDS as readonly string[]).includes(req.kind)) return deny("request", `unknown permission kind ${quote(String(req.kind))}`);
    const kind = req.kind as ScopedKind;
    if (typeof req.value !== "string") return deny("request", `a ${kind} request needs a value`);
    const r = parseScopedRequest(kind, req.value, env);
    if (!r) return deny("request", `Requires ${kind} access to ${quote(req.value)}, which is not a valid ${kind} value`);
    return decideScoped(policy, skill, kind, r, req.value, env);
  });
}

/**
 * `net` for a server the user configured (the mail account's IMAP/SMTP host), not one the skill
 * chose: judged as if the skill declared any host, so the policy's grants, denies and the
 * special-address rule decide alone. Callers check the capability itself (`mail`) first.
 */
export function checkConfiguredServer(policy: Policy, skill: SkillRef, value: string, env: PolicyEnv): PermissionDecision {
  return checkPermission(policy, { name: skill.name, permissions: { net: "all" } }, { kind: "net", value }, env);
}

/**
 * `run` with what the sandbox knows: `name` as the skill wrote it, the `resolvedPath` it
 * found through the host's PATH and that path's `realPath`. A name grant admits the name; a
 * path grant admits the written or the resolved path, or the same real file under the same
 * file name; a deny matches any of them (a name deny, any path ending in that name).
 */
export function checkRun(policy: Policy, skill: SkillRef, run: RunRequest, env: PolicyEnv): PermissionDecision {
  return guarded(() => {
    const forbidden = forbiddenFor(policy, skill.name);
    if (forbidden) return forbidden;
    if (!isValidRunRequest(run)) return deny("request", `Requires run access to ${quote(run.name)}, which is not a valid command`);
    return decideScoped(policy, skill, "run", { kind: "run", run }, run.name, env);
  });
}
