// The second half of the net check (DESIGN §5): after the sandbox resolved DNS for a request
// that was already allowed, each resolved address must pass the special-address rule and the
// IP/CIDR denies. A request matches on its host as written; this is where what it resolves to
// is judged, so a wildcard grant cannot be pointed at 127.0.0.1 by a DNS record.
import type { PermissionDecision } from "../runtime/contracts/permissions.ts";
import { type SkillRef, findDeny, skillPolicy } from "./check-permission.ts";
import { cidrContains } from "./cidr.ts";
import { formatIP, parseIP } from "./ip.ts";
import { parseNetRequest } from "./net-match.ts";
import { quote } from "./quote.ts";
import { type Entry, type ScopedRequest, allows, entriesOf } from "./scope-entries.ts";
import { isSpecialAddress } from "./special-address.ts";
import { trustLevel } from "./trust.ts";
import type { Policy, PolicyEnv } from "./types.ts";

const deny = (rule: string, reason: string): PermissionDecision => ({ decision: "deny", rule, reason });

/** IP/CIDR denies only: hostname denies were applied to the host as written. */
const ipEntry = (e: Entry) => e.net === undefined || e.net.host.type === "ip";

export function checkResolvedAddress(
  policy: Policy,
  skill: SkillRef,
  req: { host: string; port: number },
  ip: string,
  env: PolicyEnv = { home: "/nonexistent" },
): PermissionDecision {
  try {
    const t = trustLevel(policy, skill.name);
    if (t.trust === "forbid") return { decision: "forbidden", rule: t.rule, reason: `Tool "${skill.name}" is forbidden by policy.yaml (${t.rule})` };
    const addr = parseIP(ip);
    const hostText = req.host.includes(":") && !req.host.startsWith("[") ? `[${req.host}]` : req.host;
    const asked = parseNetRequest(`${hostText}:${req.port}`);
    if (!addr || !asked) return deny("request", `resolved address ${quote(ip)} for ${quote(req.host)} is not valid`);
    const shown = formatIP(addr);
    const needs = `Requires net access to ${quote(req.host)} at ${quote(shown)}`;
    const atIp: ScopedRequest = { kind: "net", net: { host: shown, ip: addr, port: req.port } };
    const denied = findDeny(policy, skill.name, "net", atIp, env, ipEntry);
    if (denied) return deny(denied.rule, `${needs}, which policy.yaml denies (${denied.rule}: ${quote(denied.text)})`);
    const special = isSpecialAddress(addr);
    if (!special) return { decision: "allow", rule: "resolved", reason: `${shown} is a public address` };
    const grants = entriesOf(skillPolicy(policy, skill.name)?.allow, "net", `skills.${skill.name}.allow`, env);
    const literal = grants.find((e) => {
      if (!e.net || (e.net.port !== null && e.net.port !== req.port)) return false;
      if (e.net.host.type === "ip") return cidrContains(e.net.host.cidr, addr);
      // An exact hostname grant vouches for what that name resolves to, except metadata.
      return special !== "metadata" && e.net.host.type === "name" && allows(e, { kind: "net", net: asked });
    });
    if (literal) return { decision: "allow", rule: literal.rule, reason: `granted by ${literal.rule}` };
    return deny(
      "special-address",
      `${needs}, a ${special} address; name it literally (${special === "metadata" ? "IP or CIDR" : "IP, CIDR or exact host"}) in policy.yaml under skills.${skill.name}.allow.net`,
    );
  } catch (err) {
    return deny("internal", `address check failed (${err instanceof Error ? err.message : "error"}); denied`);
  }
}
