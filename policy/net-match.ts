// Net entries and requests (DESIGN §5): host, host:port, *.domain[:port], IPv4/IPv6 literals
// ([::1]:8080) and CIDR. Allows match narrowly; denies match broadly (a deny on a host covers
// every port, and IP denies also see the IPv4 address embedded in NAT64/6to4 forms).
import { type Cidr, cidrContains, cidrCovers, cidrOf, parseCidr } from "./cidr.ts";
import { type IP, normalizeHost, parseIP } from "./ip.ts";
import { embeddedIPv4 } from "./special-address.ts";

export type HostPattern =
  | { type: "name"; name: string }
  | { type: "wildcard"; suffix: string }
  | { type: "ip"; cidr: Cidr };

export interface NetPattern {
  host: HostPattern;
  /** null = any port */
  port: number | null;
}

export interface NetRequest {
  /** Canonical host: dotted quad, compressed IPv6 or lower-case name. */
  host: string;
  ip: IP | null;
  /** null = the request is for any port of the host */
  port: number | null;
}

export const NET_EXPECTED = "expected host, host:port, *.domain, IP or CIDR";

function parsePort(text: string): number | null {
  if (!/^[1-9][0-9]{0,4}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

/** Splits "host:port", "[v6]:port", "[v6]", bare "v6" into host text and port text. */
function splitHostPort(text: string): { host: string; port: string | null } | null {
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) return null;
    const rest = text.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) return null;
    return { host: text.slice(0, close + 1), port: rest === "" ? null : rest.slice(1) };
  }
  const colons = text.split(":").length - 1;
  if (colons > 1) return { host: text, port: null }; // bare IPv6 literal
  if (colons === 1) {
    const i = text.indexOf(":");
    return { host: text.slice(0, i), port: text.slice(i + 1) };
  }
  return { host: text, port: null };
}

function hostPattern(text: string): HostPattern | null {
  if (text.startsWith("*.")) {
    const suffix = normalizeHost(text.slice(2));
    if (suffix === null || parseIP(suffix) !== null) return null;
    return { type: "wildcard", suffix };
  }
  if (text.includes("*")) return null;
  const host = normalizeHost(text);
  if (host === null) return null;
  const ip = parseIP(host);
  return ip ? { type: "ip", cidr: cidrOf(ip) } : { type: "name", name: host };
}

/** Parses a policy or manifest net entry; null when it is not a valid pattern. */
export function parseNetPattern(text: string): NetPattern | null {
  if (text === "" || text !== text.trim()) return null;
  if (text.includes("/")) {
    const cidr = parseCidr(text);
    return cidr ? { host: { type: "ip", cidr }, port: null } : null;
  }
  const parts = splitHostPort(text);
  if (!parts) return null;
  const host = hostPattern(parts.host);
  if (!host) return null;
  if (parts.port === null) return { host, port: null };
  const port = parsePort(parts.port);
  return port === null ? null : { host, port };
}

/** Parses a request value: host or host:port (no wildcards, no ranges). */
export function parseNetRequest(text: string): NetRequest | null {
  if (text === "" || text.includes("*") || text.includes("/")) return null;
  const parts = splitHostPort(text);
  if (!parts) return null;
  const host = normalizeHost(parts.host);
  if (host === null) return null;
  const port = parts.port === null ? null : parsePort(parts.port);
  if (parts.port !== null && port === null) return null;
  return { host, ip: parseIP(host), port };
}

export function formatNetRequest(r: NetRequest): string {
  const host = r.ip?.v === 6 ? `[${r.host}]` : r.host;
  return r.port === null ? host : `${host}:${r.port}`;
}

function hostMatches(p: HostPattern, r: NetRequest, broad: boolean): boolean {
  switch (p.type) {
    case "name":
      return r.ip === null && r.host === p.name;
    case "wildcard":
      return r.ip === null && r.host.endsWith("." + p.suffix);
    case "ip": {
      if (!r.ip) return false;
      if (cidrContains(p.cidr, r.ip)) return true;
      const inner = broad ? embeddedIPv4(r.ip) : null;
      return inner !== null && cidrContains(p.cidr, inner);
    }
  }
}

/** Allow semantics: a port-less request (any port) needs a port-less grant. */
export function netAllows(p: NetPattern, r: NetRequest): boolean {
  return hostMatches(p.host, r, false) && (p.port === null || p.port === r.port);
}

/** Deny semantics: a deny on any port of the host blocks a port-less request. */
export function netDenies(p: NetPattern, r: NetRequest): boolean {
  return hostMatches(p.host, r, true) && (p.port === null || r.port === null || p.port === r.port);
}

/** True when the grant names the host literally (IP, CIDR or exact name), not by wildcard. */
export function netIsLiteral(p: NetPattern): boolean {
  return p.host.type !== "wildcard";
}

function hostCovers(outer: HostPattern, inner: HostPattern): boolean {
  if (outer.type === "ip") return inner.type === "ip" && cidrCovers(outer.cidr, inner.cidr);
  if (outer.type === "name") return inner.type === "name" && inner.name === outer.name;
  if (inner.type === "name") return inner.name.endsWith("." + outer.suffix);
  if (inner.type === "wildcard") return inner.suffix === outer.suffix || inner.suffix.endsWith("." + outer.suffix);
  return false;
}

/** outer ⊇ inner, for `precedence: specific`. */
export function netCovers(outer: NetPattern, inner: NetPattern): boolean {
  return hostCovers(outer.host, inner.host) && (outer.port === null || outer.port === inner.port);
}
