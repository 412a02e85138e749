// Before any mail traffic: the skill must hold `mail: read|send`, an account must be configured,
// and the configured server must pass `net` (the policy's grants and denies for this skill, then
// every resolved address through the special-address rule). The connection then goes to an
// address that passed, with the configured name for TLS, as fetch does.
import type { MailAccess } from "../../contracts/permissions.ts";
import { normalizeHost } from "../../../policy/decide.ts";
import { denyWith, requirePermission } from "./guard.ts";
import type { MailServer } from "./mail-types.ts";
import { allowedAddresses } from "./net-resolve.ts";
import { withPort } from "./net-target.ts";
import { HostError, type HostContext } from "./types.ts";

export interface CheckedServer {
  /** The address to connect to (it passed the checks). */
  ip: string;
  /** The configured name, for SNI and the certificate check (undefined for an IP literal). */
  servername?: string;
  server: MailServer;
}

export async function checkedServer(ctx: HostContext, access: MailAccess, fn: string): Promise<CheckedServer> {
  await requirePermission(ctx, { kind: "mail", value: access });
  const which = access === "read" ? "imap" : "smtp";
  const server = ctx.mail?.[which];
  if (!server) {
    throw new HostError(`${fn}: no ${which.toUpperCase()} server is configured; add mail.${which} to config.yaml`, "invalid_config");
  }
  const host = normalizeHost(String(server.host ?? "").replace(/^\[(.*)\]$/, "$1"));
  const port = Number(server.port);
  if (host === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new HostError(`${fn}: mail.${which} in config.yaml needs a valid host and port`, "invalid_config");
  }
  const { literal, value } = withPort(host, port);
  const d = ctx.checkServer?.(value) ?? { decision: "deny" as const, rule: "internal", reason: `Requires net access to "${value}"` };
  if (d.decision !== "allow") {
    // Never prompted: the user names their mail server once, in the policy.
    const reason = d.decision === "prompt" ? `${d.reason} (the configured ${which.toUpperCase()} server; it is not prompted for)` : d.reason;
    denyWith(ctx, { kind: "net", value }, { ...d, decision: d.decision === "forbidden" ? "forbidden" : "deny", reason });
  }
  const url = new URL(`http://${value}/`);
  const [ip] = await allowedAddresses(ctx, { url, host, port, literal, value });
  return { ip: ip as string, servername: literal ? undefined : host, server };
}

/** Milliseconds left of the call for a mail session; none left is a timeout. */
export function timeLeft(ctx: HostContext, fn: string): number {
  const remaining = ctx.deadline - Date.now();
  if (remaining <= 0) throw new HostError(`${fn}: the call has no time left`, "timeout");
  return remaining;
}

/** Waits for `work` until the call's deadline; on expiry `hangUp` closes the connection and the
 *  call fails with a timeout. */
export async function beforeDeadline<T>(fn: string, remaining: number, hangUp: () => void, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      hangUp();
      reject(new HostError(`${fn}: the mail server did not answer before the call's time limit`, "timeout"));
    }, remaining);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
