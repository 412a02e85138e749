// IP address parsing and host normalisation. Every spelling a URL parser or inet_aton accepts
// must reach the same canonical form, or a deny on "127.0.0.1" could be sidestepped with
// "0x7f.1" or "2130706433" (WHATWG URL host parsing, https://url.spec.whatwg.org/#host-parsing).
import { domainToASCII } from "node:url";

export type IP =
  | { v: 4; value: bigint } // 32 bits
  | { v: 6; value: bigint }; // 128 bits

const MAX4 = (1n << 32n) - 1n;

/** One IPv4 part as WHATWG parses it: 0x-hex, leading-0 octal, or decimal; null if not a number. */
function parseV4Part(part: string): bigint | null {
  let digits = part;
  let radix = 10;
  if (/^0x/i.test(part)) {
    digits = part.slice(2);
    radix = 16;
    if (digits === "") return 0n; // "0x" alone is zero in the URL standard
  } else if (part.length > 1 && part.startsWith("0")) {
    digits = part.slice(1);
    radix = 8;
  }
  const re = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!re.test(digits)) return null;
  const prefix = radix === 16 ? "0x" : radix === 8 ? "0o" : "";
  return BigInt(prefix + digits);
}

/**
 * True when a host "ends in a number": the URL standard then insists it is IPv4 and rejects it
 * if it is not a valid one ("1.2.3.4.5", "foo.0x10"), instead of treating it as a name.
 */
export function endsInNumber(host: string): boolean {
  const parts = host.split(".");
  if (parts[parts.length - 1] === "") {
    if (parts.length === 1) return false;
    parts.pop();
  }
  const last = parts[parts.length - 1] ?? "";
  if (last !== "" && /^[0-9]+$/.test(last)) return true;
  return /^0x[0-9a-f]*$/i.test(last);
}

/** Parses IPv4 in any inet_aton/URL form (decimal, octal, hex, 1–4 parts, one trailing dot). */
export function parseIPv4(input: string): IP | null {
  const parts = input.split(".");
  if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
  if (parts.length > 4 || parts.length === 0) return null;
  const nums: bigint[] = [];
  for (const p of parts) {
    if (p === "") return null;
    const n = parseV4Part(p);
    if (n === null) return null;
    nums.push(n);
  }
  const last = nums.pop() as bigint;
  if (nums.some((n) => n > 255n)) return null;
  if (last >= 256n ** BigInt(5 - parts.length)) return null;
  let value = last;
  nums.forEach((n, i) => (value += n << BigInt(8 * (3 - i))));
  return value <= MAX4 ? { v: 4, value } : null;
}

/** Strict dotted quad as allowed inside IPv6 ("::ffff:1.2.3.4"): decimal, no leading zeros. */
function parseDottedQuad(s: string): bigint | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return null;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

/** Parses an IPv6 literal without brackets. Zone ids ("fe80::1%eth0") are rejected. */
export function parseIPv6(input: string): IP | null {
  if (input.includes("%") || !input.includes(":")) return null;
  let tail: bigint | null = null;
  let text = input;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    tail = parseDottedQuad(text.slice(lastColon + 1));
    if (tail === null) return null;
    text = text.slice(0, lastColon + 1) + "0:0"; // placeholder groups, replaced below
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const split = (h: string) => (h === "" ? [] : h.split(":"));
  const head = split(halves[0] ?? "");
  const rest = halves.length === 2 ? split(halves[1] ?? "") : [];
  const groups = head.length + rest.length;
  if (halves.length === 1 ? groups !== 8 : groups > 7) return null;
  const all = [...head, ...Array(8 - groups).fill("0"), ...rest];
  let value = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    value = (value << 16n) | BigInt("0x" + g);
  }
  if (tail !== null) value = (value & ~MAX4) | tail;
  return { v: 6, value };
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address itself. */
export function unmap(ip: IP): IP {
  if (ip.v === 6 && ip.value >> 32n === 0xffffn) return { v: 4, value: ip.value & MAX4 };
  return ip;
}

/** Parses an IP literal in any accepted spelling, brackets allowed around IPv6. */
export function parseIP(input: string): IP | null {
  let s = input.trim();
  if (s.startsWith("[") && s.endsWith("]")) {
    const ip = parseIPv6(s.slice(1, -1));
    return ip ? unmap(ip) : null;
  }
  if (s.includes(":")) {
    const ip = parseIPv6(s);
    return ip ? unmap(ip) : null;
  }
  s = s.toLowerCase();
  return endsInNumber(s) ? parseIPv4(s) : null;
}

export function formatIP(ip: IP): string {
  if (ip.v === 4) {
    const v = Number(ip.value);
    return [24, 16, 8, 0].map((s) => (v >>> s) & 255).join(".");
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run (>= 2) of zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Canonical form of a host: dotted-quad IPv4, compressed lower-case IPv6 (IPv4-mapped becomes
 * IPv4), or a lower-case ASCII hostname without trailing dot. Null when malformed, including
 * names that end in a number but are not a valid IPv4 address.
 */
export function normalizeHost(host: string): string | null {
  if (host === "" || host !== host.trim() || host.includes("\0")) return null;
  if (host.startsWith("[") || host.includes(":")) {
    const ip = parseIP(host);
    return ip ? formatIP(ip) : null;
  }
  let name = host.toLowerCase();
  if (/[^\x00-\x7f]/.test(name)) {
    name = domainToASCII(name);
    if (name === "") return null;
  }
  if (endsInNumber(name)) {
    const ip = parseIPv4(name);
    return ip ? formatIP(ip) : null;
  }
  if (name.endsWith(".")) name = name.slice(0, -1);
  if (name.length === 0 || name.length > 253) return null;
  return name.split(".").every((l) => LABEL.test(l)) ? name : null;
}
