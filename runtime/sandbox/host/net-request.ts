// What the skill asked to send, validated once: method, headers and body. Anything that would
// let the skill steer the connection (Host, hop-by-hop headers) is not the skill's to set.
import { denyWith } from "./guard.ts";
import type { NetTarget } from "./net-target.ts";
import { containsSecret, bytesContainSecret } from "./redact.ts";
import { HostError, type HostContext } from "./types.ts";

export interface OutgoingRequest {
  method: string;
  headers: Headers;
  body: string | Uint8Array | null;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REFUSED_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** Set by the host per hop (Host, length, framing) or meaningless through it (proxy, upgrade). */
const HOST_OWNED = new Set([
  "host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
  "proxy-authorization", "proxy-connection",
]);

export function parseRequestInit(init: unknown): OutgoingRequest {
  if (init === undefined || init === null) return { method: "GET", headers: new Headers(), body: null };
  if (typeof init !== "object" || Array.isArray(init)) throw new HostError("fetch: init must be an object", "invalid_params");
  const o = init as Record<string, unknown>;
  const method = o.method === undefined ? "GET" : o.method;
  if (typeof method !== "string" || !TOKEN.test(method)) throw new HostError("fetch: method must be an HTTP method name", "invalid_params");
  const upper = method.toUpperCase();
  if (REFUSED_METHODS.has(upper)) throw new HostError(`fetch: method ${upper} is not allowed`, "invalid_params");
  const headers = new Headers();
  if (o.headers !== undefined && o.headers !== null) {
    if (!Array.isArray(o.headers)) throw new HostError("fetch: headers must be a list of [name, value] pairs", "invalid_params");
    for (const pair of o.headers) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
        throw new HostError("fetch: each header must be a [name, value] pair of strings", "invalid_params");
      }
      const [name, value] = pair as [string, string];
      if (!TOKEN.test(name) || /[\r\n\0]/.test(value)) throw new HostError(`fetch: invalid header "${name.slice(0, 64)}"`, "invalid_params");
      if (HOST_OWNED.has(name.toLowerCase()) || name.toLowerCase().startsWith("proxy-")) continue;
      headers.append(name, value);
    }
  }
  const body = o.body ?? null;
  if (body !== null && typeof body !== "string" && !(body instanceof Uint8Array)) {
    throw new HostError("fetch: body must be a string, a Uint8Array or null", "invalid_params");
  }
  if (body !== null && (upper === "GET" || upper === "HEAD")) throw new HostError(`fetch: a ${upper} request cannot have a body`, "invalid_params");
  return { method: upper, headers, body };
}

/** A skill that learned a secret some other way must not send it out. */
export function refuseSecrets(ctx: HostContext, target: NetTarget, req: OutgoingRequest, secrets: string[]): void {
  if (secrets.length === 0) return;
  let found = containsSecret(target.url.href, secrets);
  for (const [k, v] of req.headers) found ||= containsSecret(k, secrets) || containsSecret(v, secrets);
  if (typeof req.body === "string") found ||= containsSecret(req.body, secrets);
  else if (req.body !== null) found ||= bytesContainSecret(req.body, secrets);
  // A denial like any other: recorded for the audit, raised as PermissionDenied.
  if (found) {
    denyWith(ctx, { kind: "net", value: target.value }, {
      decision: "deny",
      rule: "credentials",
      reason: "fetch: the request contains a credential value; credentials are added by the host, never by the skill",
    });
  }
}
