// HOST_API.net.fetch: every hop is checked (net grant, then each resolved address), sent to an
// address that passed with the original Host and TLS name, and redirects are followed here so
// each Location is checked again. Credentials are added by the host and redacted on the way back.
import { readBodyAtMost, readBodyHead } from "../../contracts/read-body.ts";
import { withPermission } from "./guard.ts";
import { allowedAddresses } from "./net-resolve.ts";
import { parseRequestInit, refuseSecrets, type OutgoingRequest } from "./net-request.ts";
import { parseTarget, type NetTarget } from "./net-target.ts";
import { normalizeHost } from "../../../policy/decide.ts";
import { dropCutSecretEndBytes, redactBytes, redactText, secretValues } from "./redact.ts";
import { HostError, type HostContext, type HostFn } from "./types.ts";

/** Largest response body handed to a skill. */
export const MAX_FETCH_BODY_BYTES = 10 * 1024 * 1024;
export const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that carry the caller's identity: dropped when a redirect changes origin. */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

export interface FetchResult {
  status: number;
  statusText: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array;
  /** The body was longer than the `maxBodyBytes` asked for: this is its beginning. */
  truncated: boolean;
}

/** `ca`: an extra trusted certificate (PEM), for tests against a local TLS server only. */
export interface FetchOptions {
  ca?: string;
}

export async function hostFetch(ctx: HostContext, url: unknown, init: unknown, opts: FetchOptions = {}): Promise<FetchResult> {
  const req = parseRequestInit(init);
  const head = maxBodyBytes(init);
  let target = parseTarget(url);
  const secrets = secretValues(ctx);
  refuseSecrets(ctx, target, req, secrets);
  const remaining = ctx.deadline - Date.now();
  if (remaining <= 0) throw new HostError("fetch: the call has no time left", "timeout");
  const signal = AbortSignal.timeout(remaining);

  for (let hop = 0; ; hop++) {
    // Allowed without asking (the usual case): no event-loop turn before the request goes out.
    const asked = withPermission(ctx, { kind: "net", value: target.value }, () => undefined);
    if (asked) await asked;
    const [ip] = await allowedAddresses(ctx, target);
    const res = await send(ctx, target, ip as string, req, signal, opts);
    const location = res.headers.get("location");
    if (!REDIRECTS.has(res.status) || location === null) {
      const { body, truncated } = await readCapped(res, signal, head);
      return {
        status: res.status,
        statusText: redactText(res.statusText, secrets),
        url: redactText(target.url.href, secrets),
        headers: [...res.headers].map(([k, v]) => [k, redactText(v, secrets)] as [string, string]),
        // Cut at maxBodyBytes, the body may end in part of a credential the host sent.
        body: truncated ? dropCutSecretEndBytes(redactBytes(body, secrets), secrets) : redactBytes(body, secrets),
        truncated,
      };
    }
    await res.body?.cancel().catch(() => {});
    if (hop >= MAX_REDIRECTS) throw new HostError(`fetch: more than ${MAX_REDIRECTS} redirects`, "host_error");
    const next = parseTarget(location, target.url);
    followRedirect(req, res.status, target, next);
    target = next;
  }
}

/** Fetch-spec method rewriting, and no identity carried to another origin. */
function followRedirect(req: OutgoingRequest, status: number, from: NetTarget, to: NetTarget): void {
  if ((status === 303 && req.method !== "HEAD") || ((status === 301 || status === 302) && req.method === "POST")) {
    req.method = "GET";
    req.body = null;
    for (const h of ["content-type", "content-encoding", "content-language", "content-location"]) req.headers.delete(h);
  }
  if (from.url.origin !== to.url.origin) for (const h of CREDENTIAL_HEADERS) req.headers.delete(h);
}

async function send(ctx: HostContext, t: NetTarget, ip: string, req: OutgoingRequest, signal: AbortSignal, opts: FetchOptions): Promise<Response> {
  const direct = new URL(t.url.href);
  direct.hostname = ip.includes(":") ? `[${ip}]` : ip;
  const headers = new Headers(req.headers);
  headers.set("host", t.url.host);
  for (const c of ctx.credentials) {
    if (credentialHost(c.host) === t.host) headers.set(c.header, c.format.replaceAll("{value}", c.value));
  }
  const init: RequestInit & { tls?: Record<string, unknown> } = { method: req.method, headers, body: req.body, redirect: "manual", signal };
  // SNI and the certificate check use the name, not the IP. (TLS options only when there are
  // any: an empty set still costs Bun ~25 µs a request.)
  if (t.url.protocol === "https:" && (!t.literal || opts.ca !== undefined)) {
    init.tls = {};
    if (!t.literal) init.tls.serverName = t.host;
    if (opts.ca !== undefined) init.tls.ca = opts.ca;
  }
  try {
    return await fetch(direct, init);
  } catch (err) {
    throw fetchError(err, t);
  }
}

function credentialHost(host: string): string | null {
  try {
    return normalizeHost(host);
  } catch {
    return null;
  }
}

/**
 * `init.maxBodyBytes`: read at most that much of the body and say whether there was more,
 * instead of failing on a body over MAX_FETCH_BODY_BYTES. Null when not asked for.
 */
function maxBodyBytes(init: unknown): number | null {
  const n = init !== null && typeof init === "object" ? (init as { maxBodyBytes?: unknown }).maxBodyBytes : undefined;
  if (n === undefined || n === null) return null;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_FETCH_BODY_BYTES) {
    throw new HostError(`fetch: maxBodyBytes must be a whole number from 1 to ${MAX_FETCH_BODY_BYTES}`, "invalid_params");
  }
  return n;
}

/** The body whole (over MAX_FETCH_BODY_BYTES fails), or with `head` its first `head` bytes. */
async function readCapped(res: Response, signal: AbortSignal, head: number | null): Promise<{ body: Uint8Array; truncated: boolean }> {
  let body: Uint8Array | null;
  try {
    if (head !== null) {
      const r = await readBodyHead(res, head);
      return { body: r.body, truncated: r.cut };
    }
    body = await readBodyAtMost(res, MAX_FETCH_BODY_BYTES);
  } catch {
    throw signal.aborted ? timedOut() : new HostError("fetch: reading the response failed", "host_error");
  }
  if (body === null) throw tooLarge();
  return { body, truncated: false };
}

const tooLarge = () => new HostError(`fetch: the response body is larger than ${MAX_FETCH_BODY_BYTES} bytes`, "output_limit");
const timedOut = () => new HostError("fetch: the request did not finish before the call's time limit", "timeout");

function fetchError(err: unknown, t: NetTarget): HostError {
  const e = err as { name?: string; code?: string };
  if (e.name === "TimeoutError" || e.name === "AbortError") return timedOut();
  return new HostError(`fetch: request to ${t.url.host} failed (${e.code ?? e.name ?? "network error"})`, "host_error");
}

const fetchFn: HostFn = (ctx, [url, init]) => hostFetch(ctx, url, init);

export const NET = { fetch: fetchFn } satisfies Record<string, HostFn>;
