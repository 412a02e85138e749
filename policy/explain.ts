// `moltbot policy explain S`: a skill's effective permissions per declared kind, judged entry
// by entry (declared ∩ granted − denied) with the rule that decided each line.
import {
  BOOLEAN_KINDS,
  type PermissionDecisionKind,
  SCOPED_KINDS,
  type ScopedKind,
} from "../runtime/contracts/permissions.ts";
import { type SkillRef, checkPermission, skillPolicy } from "./check-permission.ts";
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
}

/** Value used for "anything else of this kind" when the manifest declares the whole kind. */
export const ANY_OTHER = "(anything else)";

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

export function explainSkill(policy: Policy, skill: SkillRef, env: PolicyEnv): ExplainedKind[] {
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
  return result;
}
