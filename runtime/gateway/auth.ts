// Who may talk to the gateway: token comparison in constant time, loopback detection, and the
// Host/Origin checks that keep web pages on other sites (and DNS rebinding) away from a
// loopback gateway that has no token.
import { createHash, timingSafeEqual } from "node:crypto";

const LOOPBACK_NAMES = new Set(["127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"]);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return LOOPBACK_NAMES.has(h) || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\./.test(h);
}

/** Hashing first makes the comparison constant-time whatever the lengths. */
export function tokenMatches(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** `Authorization: Bearer T` or `X-Moltbot-Token: T`. */
export function requestToken(headers: Headers): string | null {
  const auth = headers.get("authorization");
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  return headers.get("x-moltbot-token");
}

function hostOnly(hostHeader: string): string {
  if (hostHeader.startsWith("[")) return hostHeader.slice(0, hostHeader.indexOf("]") + 1);
  const colon = hostHeader.lastIndexOf(":");
  return colon > 0 && hostHeader.indexOf(":") === colon ? hostHeader.slice(0, colon) : hostHeader;
}

/**
 * On a loopback bind the Host header must name loopback: a page whose name was rebound to
 * 127.0.0.1 sends its own name and is refused.
 */
export function hostAllowed(headers: Headers, boundToLoopback: boolean): boolean {
  if (!boundToLoopback) return true;
  const host = headers.get("host");
  return host !== null && isLoopbackHost(hostOnly(host));
}

/** A browser always sends Origin on WebSocket upgrades; it must be this gateway's own. */
export function originAllowed(headers: Headers): boolean {
  const origin = headers.get("origin");
  if (origin === null) return true; // not a browser (CLI, nodes)
  const host = headers.get("host");
  try {
    return host !== null && new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
