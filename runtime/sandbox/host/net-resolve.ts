// DNS is resolved here, once, and every address is judged; the request then goes to an address
// that passed, so a second lookup (DNS rebinding) can never pick a different one.
import { promises as dns } from "node:dns";
import { normalizeHost } from "../../../policy/decide.ts";
import { denyWith } from "./guard.ts";
import type { NetTarget } from "./net-target.ts";
import { HostError, type HostContext } from "./types.ts";
import type { PermissionDecision } from "../../contracts/permissions.ts";

export async function allowedAddresses(ctx: HostContext, t: NetTarget): Promise<string[]> {
  const addresses = t.literal ? [t.host] : await lookupAll(t.host, ctx.deadline);
  const passed: string[] = [];
  let firstRefusal: PermissionDecision | undefined;
  for (const ip of addresses) {
    let d: PermissionDecision;
    try {
      d = ctx.checkResolved(t.host, t.port, ip);
    } catch {
      d = { decision: "deny", rule: "internal", reason: `Requires net access to "${t.value}", but checking ${ip} failed` };
    }
    if (d.decision === "allow") passed.push(ip);
    else firstRefusal ??= d;
  }
  if (passed.length === 0) {
    denyWith(ctx, { kind: "net", value: t.value }, firstRefusal ?? {
      decision: "deny",
      rule: "dns",
      reason: `Requires net access to "${t.value}", but the name resolved to no address`,
    });
  }
  return passed;
}

async function lookupAll(host: string, deadline: number): Promise<string[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HostError(`fetch: resolving ${host} did not finish in time`, "timeout")), Math.max(0, deadline - Date.now()));
  });
  try {
    const found = await Promise.race([dns.lookup(host, { all: true, verbatim: true }), expired]);
    const out: string[] = [];
    for (const a of found) {
      const ip = normalizeHost(a.address);
      if (ip !== null && !out.includes(ip)) out.push(ip);
    }
    return out;
  } catch (err) {
    if (err instanceof HostError) throw err;
    throw new HostError(`fetch: could not resolve ${host} (${(err as { code?: string }).code ?? "lookup failed"})`, "host_error");
  } finally {
    clearTimeout(timer);
  }
}
