// One hop of a fetch: the URL parsed by the WHATWG parser, its host in the policy's canonical
// form and the `net` request value the permission check sees.
import { normalizeHost, parseIP } from "../../../policy/decide.ts";
import { HostError } from "./types.ts";

export interface NetTarget {
  url: URL;
  /** Canonical host: dotted quad, compressed IPv6 without brackets, or lower-case name. */
  host: string;
  port: number;
  /** The host is an IP literal: no DNS, no SNI. */
  literal: boolean;
  /** `host:port` or `[v6]:port`, as `net` requests and grants are written. */
  value: string;
}

export function parseTarget(input: unknown, base?: URL): NetTarget {
  if (typeof input !== "string" || input === "") throw new HostError("fetch expects a URL string", "invalid_params");
  let url: URL;
  try {
    url = base ? new URL(input, base) : new URL(input);
  } catch {
    throw new HostError(`fetch: "${clip(input)}" is not a valid absolute URL`, "invalid_params");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HostError(`fetch: only http and https URLs are allowed, not ${url.protocol}`, "invalid_params");
  }
  if (url.username !== "" || url.password !== "") {
    throw new HostError("fetch: credentials in the URL are not allowed; send an Authorization header", "invalid_params");
  }
  // WHATWG already turns 2130706433, 0x7f.1 and 127.1 into 127.0.0.1; normalizeHost adds
  // IPv4-mapped IPv6, trailing dots and anything the parser leaves alone.
  const raw = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const host = normalizeHost(raw);
  if (host === null) throw new HostError(`fetch: "${clip(url.hostname)}" is not a valid host name`, "invalid_params");
  const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { url, host, port, ...withPort(host, port) };
}

/**
 * For a canonical host (normalizeHost's): whether it is an IP literal, and the `host:port` a
 * `net` request is written as (IPv6 in brackets). Policy's own IP parser, not node:net's isIP:
 * loading node:net cost every new worker ~3 ms.
 */
export function withPort(host: string, port: number): { literal: boolean; value: string } {
  const ip = parseIP(host);
  return { literal: ip !== null, value: `${ip?.v === 6 ? `[${host}]` : host}:${port}` };
}

function clip(s: string): string {
  return s.length > 100 ? s.slice(0, 100) + "…" : s;
}
