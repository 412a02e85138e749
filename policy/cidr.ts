// CIDR ranges over the bigint IPs of ip.ts. A single address is the range of full length, so
// "covers" and "strictly more specific" work the same for literals and ranges.
import { type IP, formatIP, parseIP, unmap } from "./ip.ts";

export interface Cidr {
  v: 4 | 6;
  base: bigint;
  bits: number;
}

const width = (v: 4 | 6) => (v === 4 ? 32 : 128);

function mask(v: 4 | 6, bits: number): bigint {
  const w = BigInt(width(v));
  return ((1n << w) - 1n) ^ ((1n << (w - BigInt(bits))) - 1n);
}

export function cidrOf(ip: IP, bits = width(ip.v)): Cidr {
  return { v: ip.v, base: ip.value & mask(ip.v, bits), bits };
}

/**
 * Parses "10.0.0.0/8" or "fd00::/8". Host bits must be zero ("10.0.0.1/8" is a typo we refuse
 * rather than guess). An IPv4-mapped IPv6 range of /96 or longer becomes the IPv4 range.
 */
export function parseCidr(text: string): Cidr | null {
  const slash = text.lastIndexOf("/");
  if (slash < 0) return null;
  const bitsText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(bitsText)) return null;
  let bits = Number(bitsText);
  const addr = text.slice(0, slash);
  let ip = addr.includes(":") ? parseIP(addr.startsWith("[") ? addr : `[${addr}]`) : null;
  if (!addr.includes(":")) {
    // Ranges are written as dotted quads; exotic IPv4 spellings are a likely mistake here.
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) return null;
    ip = parseIP(addr);
  }
  if (!ip) return null;
  if (addr.includes(":") && ip.v === 4) {
    if (bits < 96) return null; // a mapped range wider than the mapped space is meaningless
    bits -= 96;
  }
  if (bits > width(ip.v)) return null;
  const c = cidrOf(ip, bits);
  return c.base === ip.value ? c : null;
}

export function cidrContains(c: Cidr, ip: IP): boolean {
  const u = unmap(ip);
  return u.v === c.v && (u.value & mask(c.v, c.bits)) === c.base;
}

/** outer ⊇ inner */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  return outer.v === inner.v && outer.bits <= inner.bits && (inner.base & mask(outer.v, outer.bits)) === outer.base;
}

export function formatCidr(c: Cidr): string {
  return `${formatIP({ v: c.v, value: c.base })}/${c.bits}`;
}
