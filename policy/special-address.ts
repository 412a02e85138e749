// Addresses a skill must never reach by accident (DESIGN §5): a wildcard grant or a coarse
// `network_access` must not open the loopback interface, the LAN or the cloud metadata service.
import { type Cidr, cidrContains, parseCidr } from "./cidr.ts";
import { type IP, parseIP } from "./ip.ts";

export type SpecialCategory =
  | "metadata"
  | "loopback"
  | "private"
  | "link-local"
  | "cgnat"
  | "unspecified"
  | "multicast"
  | "broadcast";

// Order matters: metadata addresses also sit inside link-local / private ranges.
const TABLE: [SpecialCategory, string[]][] = [
  ["metadata", ["169.254.169.254/32", "fd00:ec2::254/128"]],
  ["broadcast", ["255.255.255.255/32"]],
  ["unspecified", ["0.0.0.0/8", "::/128"]],
  ["loopback", ["127.0.0.0/8", "::1/128"]],
  ["private", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10"]],
  ["link-local", ["169.254.0.0/16", "fe80::/10"]],
  ["cgnat", ["100.64.0.0/10"]],
  ["multicast", ["224.0.0.0/4", "ff00::/8"]],
];

const RANGES: [SpecialCategory, Cidr][] = TABLE.flatMap(([cat, list]) =>
  list.map((t) => [cat, parseCidr(t) as Cidr] as [SpecialCategory, Cidr]),
);

const MAX4 = (1n << 32n) - 1n;

/**
 * IPv4 addresses carried inside IPv6 ones that a host may route to the IPv4 address:
 * NAT64 (64:ff9b::/96), 6to4 (2002::/16, bits 16–48) and the deprecated IPv4-compatible form
 * (::/96). IPv4-mapped addresses are already unmapped by the parser.
 */
export function embeddedIPv4(ip: IP): IP | null {
  if (ip.v !== 6) return null;
  const v = ip.value;
  if (v >> 32n === 0x64ff9bn << 64n) return { v: 4, value: v & MAX4 };
  if (v >> 112n === 0x2002n) return { v: 4, value: (v >> 80n) & MAX4 };
  if (v >> 32n === 0n && v > 1n) return { v: 4, value: v & MAX4 };
  return null;
}

function categoryOf(ip: IP): SpecialCategory | null {
  for (const [cat, range] of RANGES) if (cidrContains(range, ip)) return cat;
  return null;
}

/** The special category of an IP (any accepted spelling, or a parsed IP), or null. */
export function isSpecialAddress(ip: string | IP): SpecialCategory | null {
  const parsed = typeof ip === "string" ? parseIP(ip) : ip;
  if (!parsed) return null;
  const direct = categoryOf(parsed);
  if (direct) return direct;
  const inner = embeddedIPv4(parsed);
  return inner ? categoryOf(inner) : null;
}

/** Names that always mean this machine (RFC 6761), whatever DNS says. */
export function isLoopbackName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}
