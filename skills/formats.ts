// String formats our schemas may use, without another dependency. An unknown format is a
// manifest error (Ajv's strict mode would otherwise throw on first use).
import type { Format } from "ajv";

/** RFC 5321's limit on a forward path, less its angle brackets (RFC 3696 erratum 1690). */
const MAX_EMAIL = 254;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The longest spelling: eight groups with an IPv4 tail, ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255. */
const MAX_IPV6 = 45;
const IPV6_CHARS = /^[0-9A-Fa-f:.]*$/;

export const FORMATS: Record<string, Format> = {
  "date-time": /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:?\d\d)$/,
  date: /^\d{4}-\d\d-\d\d$/,
  time: /^\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:?\d\d)?$/,
  // The length caps come first: these run on arguments the model wrote, and the email regex
  // backtracks quadratically on a long run of dots ("a@" + 40k dots + " " took 1 s).
  email: (s: string) => s.length <= MAX_EMAIL && EMAIL.test(s),
  uri: /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/,
  url: /^https?:\/\/[^\s/$.?#][^\s]*$/i,
  hostname: /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/,
  ipv4: /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/,
  ipv6: (s: string) => s.length <= MAX_IPV6 && s.includes(":") && IPV6_CHARS.test(s),
  uuid: /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/,
};

export const KNOWN_FORMATS: ReadonlySet<string> = new Set(Object.keys(FORMATS));
