// `moltbot policy explain S`: a skill's effective permissions per declared kind, judged entry
// by entry (declared ∩ granted − denied) with the rule that decided each line; for a skill
// holding `mail`, also the configured mail server, judged as the sandbox judges it.
import {
  BOOLEAN_KINDS,
  type PermissionDecision,
  type PermissionDecisionKind,
  SCOPED_KINDS,
  type ScopedKind,
} from "../runtime/contracts/permissions.ts";
import { type SkillRef, checkConfiguredServer, checkPermission, skillPolicy } from "./check-permission.ts";
import { netIsLiteral } from "./net-match.ts";
import { type Entry, covers, entriesOf, strictlyCovers } from "./scope-entries.ts";
import { isLoopbackName, isSpecialAddress } from "./special-address.ts";
import { trustLevel } from "./trust.ts";
import type { Policy, PolicyEnv } from "./types.ts";

export interface ExplainedEntry {
  value: string;
  decision: PermissionDecisionKind;
  rule: string;
}

export interface ExplainedKind {
  kind: string;
  entries: ExplainedEntry[];
  /** `net` of the configured mail server (config.yaml `mail.imap` / `mail.smtp`), not of the skill's own fetch. */
  server?: MailServerKind;
  /** What the user should know beyond the lines, e.g. what to grant. */
  note?: string;
}

export type MailServerKind = "imap" | "smtp";

/** The configured mail servers as `host:port` (`[v6]:port`), when the caller knows them. */
export type MailServers = Partial<Record<MailServerKind, string>>;

/** Value used for "anything else of this kind" when the manifest declares the whole kind. */
export const ANY_OTHER = "(anything else)";

/** Value standing for a configured mail server the caller does not know. */
export const CONFIGURED_SERVER = "(the configured server)";

/**
 * `net` for the configured mail server as the sandbox decides it (runtime/sandbox/host/
 * mail-server.ts): the policy's grants and denies for this skill, whatever its manifest declares
 * for `net`, and never a prompt — a server that is not granted is denied.
 */
export function checkMailServer(policy: Policy, skill: SkillRef, value: string, env: PolicyEnv): PermissionDecision {
  const d = checkConfiguredServer(policy, skill, value, env);
  if (d.decision !== "prompt") return d;
  return { decision: "deny", rule: d.rule, reason: `${d.reason} (a configured mail server is never prompted for)` };
}

/** Which servers a skill's `mail` declaration reaches: `read` the IMAP server, `send` the SMTP one. */
function mailServersOf(skill: SkillRef): MailServerKind[] {
  const declared = skill.permissions.mail;
  if (declared === undefined) return [];
  const values = declared === "all" ? ["read", "send"] : declared;
  return (["imap", "smtp"] as const).filter((k) => values.includes(k === "imap" ? "read" : "send"));
}

function explainServer(policy: Policy, skill: SkillRef, which: MailServerKind, known: string | undefined, env: PolicyEnv): ExplainedKind {
  const config = `mail.${which} in config.yaml`;
  const grantAt = `skills.${skill.name}.allow.net`;
  const example = which === "imap" ? "imap.example.com:993" : "smtp.example.com:465";
  if (known !== undefined) {
    const d = checkMailServer(policy, skill, known, env);
    const note = d.decision === "allow"
      ? `the server of ${config}, checked as net; never prompted for`
      : d.rule === "prompt" || d.rule === "special-address"
        ? `the server of ${config} is checked as net and never prompted for: every ${skill.name} call is denied until ${grantAt} names it (e.g. "${known}")`
        : `the server of ${config} is checked as net and denied by ${d.rule}: every ${skill.name} call is denied`;
    return { kind: "net", server: which, entries: [{ value: known, decision: d.decision, rule: d.rule }], note };
  }
  // The server is not known here: the skill's net grants are what a configured server can match.
  const anyHost: SkillRef = { name: skill.name, permissions: { net: "all" } };
  const entries: ExplainedEntry[] = [];
  for (const value of new Set(skillPolicy(policy, skill.name)?.allow.net ?? [])) {
    const cand = entriesOf({ net: [value] }, "net", "", env)[0];
    if (cand) entries.push({ value, ...judge(policy, anyHost, "net", cand, env) });
  }
  entries.push({ value: entries.length ? ANY_OTHER : CONFIGURED_SERVER, decision: "deny", rule: "prompt" });
  const note = entries.some((e) => e.decision === "allow")
    ? `the server of ${config} must match one of these grants; it is checked as net and never prompted for`
    : `the server of ${config} is checked as net and never prompted for: this policy grants none, so every ${skill.name} call is denied until ${grantAt} names it (e.g. "${example}")`;
  return { kind: "net", server: which, entries, note };
}

function isSpecialPattern(e: Entry): boolean {
  const h = e.net?.host;
  if (!h) return false;
  if (h.type === "ip") return isSpecialAddress({ v: h.cidr.v, value: h.cidr.base }) !== null;
  return h.type === "name" && isLoopbackName(h.name);
}

function judge(policy: Policy, skill: SkillRef, kind: ScopedKind, cand: Entry, env: PolicyEnv): Omit<ExplainedEntry, "value"> {
  const declared = skill.permissions[kind];
  if (declared !== "all" && !entriesOf({ [kind]: declared ?? [] }, kind, "manifest", env).some((d) => covers(kind, d, cand))) {
    return { decision: "deny", rule: "manifest" };
  }
  const sp = skillPolicy(policy, skill.name);
  const grants = entriesOf(sp?.allow, kind, `skills.${skill.name}.allow`, env).filter((g) => covers(kind, g, cand));
  const skillDeny = entriesOf(sp?.deny, kind, `skills.${skill.name}.deny`, env).find((d) => covers(kind, d, cand));
  if (skillDeny) return { decision: "deny", rule: skillDeny.rule };
  const globalDeny = entriesOf(policy.deny, kind, "deny", env).find(
    (d) => covers(kind, d, cand) && !(policy.precedence === "specific" && grants.some((g) => strictlyCovers(kind, d, g))),
  );
  if (globalDeny) return { decision: "deny", rule: globalDeny.rule };
  const special = isSpecialPattern(cand);
  const grant = grants.find((g) => !special || (g.net !== undefined && netIsLiteral(g.net)));
  if (grant) return { decision: "allow", rule: grant.rule };
  if (special) return { decision: "deny", rule: "special-address" };
  return { decision: policy.prompt ? "prompt" : "deny", rule: "prompt" };
}

function explainScoped(policy: Policy, skill: SkillRef, kind: ScopedKind, env: PolicyEnv): ExplainedEntry[] {
  const declared = skill.permissions[kind];
  const sp = skillPolicy(policy, skill.name);
  const texts = [
    ...(Array.isArray(declared) ? declared : []),
    ...(sp?.allow[kind] ?? []),
    ...(sp?.deny[kind] ?? []),
    ...(policy.deny[kind] ?? []),
  ];
  const out: ExplainedEntry[] = [];
  for (const value of new Set(texts)) {
    const cand = entriesOf({ [kind]: [value] }, kind, "", env)[0];
    if (cand) out.push({ value, ...judge(policy, skill, kind, cand, env) });
  }
  if (declared === "all") out.push({ value: ANY_OTHER, decision: policy.prompt ? "prompt" : "deny", rule: "prompt" });
  return out;
}

/** `servers`: the configured mail servers, when known, for a skill that declares `mail`. */
export function explainSkill(policy: Policy, skill: SkillRef, env: PolicyEnv, servers: MailServers = {}): ExplainedKind[] {
  const forbidden = trustLevel(policy, skill.name);
  const result: ExplainedKind[] = [];
  for (const kind of SCOPED_KINDS) {
    if (skill.permissions[kind] === undefined) continue;
    let entries = explainScoped(policy, skill, kind, env);
    if (forbidden.trust === "forbid") entries = entries.map((e) => ({ ...e, decision: "forbidden", rule: forbidden.rule }));
    result.push({ kind, entries });
  }
  for (const kind of BOOLEAN_KINDS) {
    if (skill.permissions[kind] !== true) continue;
    const d = checkPermission(policy, skill, { kind }, env);
    result.push({ kind, entries: [{ value: "true", decision: d.decision, rule: d.rule }] });
  }
  for (const which of mailServersOf(skill)) {
    let server = explainServer(policy, skill, which, servers[which], env);
    if (forbidden.trust === "forbid") server = { kind: "net", server: which, entries: server.entries.map((e) => ({ ...e, decision: "forbidden", rule: forbidden.rule })) };
    result.push(server);
  }
  return result;
}
