// Which gateway `moltbot chat` talks to and with which token. The configured gateway.token goes
// only to this config's gateway: the very address it listens on, and its port. Sending it to
// whatever --url names would hand the secret to another server — and on this machine any user
// may listen on 127.0.0.2 or [::1] at the same port while the gateway holds only 127.0.0.1.
import { fail } from "../contracts/errors.ts";
import { homePaths, moltbotHome } from "../home.ts";

export interface ChatTarget {
  url: string;
  token?: string;
  /** Where the token came from, or why none was sent: for the "wrong or missing token" hint. */
  tokenNote: string;
}

interface GatewayConfig {
  host: string;
  port: number;
  token?: string;
}

const EXAMPLE = "e.g. --url ws://127.0.0.1:18789";

export const TOKEN_WAYS = "set MOLTBOT_TOKEN (preferred), pass --token (visible to other users in 'ps'), or put it in config.yaml as gateway.token (used for this config's gateway only)";

export async function chatTarget(urlArg: string | undefined, tokenArg: string | undefined): Promise<ChatTarget> {
  let url = urlArg === undefined ? undefined : checkUrl(urlArg);
  // With --url the config is only consulted for its token: a broken config must not stop the chat.
  const gw = url === undefined ? await configuredGateway() : await configuredGateway().catch(() => undefined);
  // "localhost" may resolve to another address than the one the gateway holds: connect to that one.
  if (url !== undefined && gw !== undefined) url = pinLocalhost(url, gw);
  const target = url ?? `http://${urlHost(gw!.host)}:${gw!.port}`;
  if (tokenArg !== undefined) return { url: target, token: tokenArg, tokenNote: "the token given with --token was used" };
  const env = process.env.MOLTBOT_TOKEN || undefined;
  if (env) return { url: target, token: env, tokenNote: "the token in MOLTBOT_TOKEN was used" };
  if (gw?.token && (url === undefined || sameGateway(url, gw))) return { url: target, token: gw.token, tokenNote: "gateway.token from config.yaml was used" };
  const note = gw?.token ? `gateway.token in config.yaml was not sent: ${target} is not this config's gateway (${urlHost(gw.host)}:${gw.port})` : "no token was sent";
  return { url: target, tokenNote: note };
}

async function configuredGateway(): Promise<GatewayConfig> {
  const { loadConfig } = await import("../config/index.ts");
  return loadConfig(homePaths(moltbotHome()).config).gateway;
}

/**
 * A bind address as the host to connect to: the wildcard binds are reached over loopback, and
 * "localhost" at the address the gateway then holds (Bun binds it to 127.0.0.1), never at
 * whatever the name resolves to first (::1 on many machines).
 */
function urlHost(host: string): string {
  const h = bare(host);
  if (h === "0.0.0.0" || h === "localhost") return "127.0.0.1";
  if (h === "::") return "[::1]";
  return h.includes(":") ? `[${h}]` : h;
}

const bare = (host: string) => host.replace(/^\[|\]$/g, "").toLowerCase();
const portOf = (u: URL) => (u.port === "" ? (/^(wss|https):$/.test(u.protocol) ? 443 : 80) : Number(u.port));

/** The same port, and exactly the address the gateway is reached at (see urlHost). */
function sameGateway(url: string, gw: GatewayConfig): boolean {
  const u = new URL(url);
  return portOf(u) === gw.port && bare(u.hostname) === bare(urlHost(gw.host));
}

/** --url ws://localhost:PORT for this config's gateway: the address it holds, not the name. */
function pinLocalhost(url: string, gw: GatewayConfig): string {
  const u = new URL(url);
  if (bare(u.hostname) !== "localhost" || portOf(u) !== gw.port) return url;
  const bound = bare(gw.host);
  if (bound !== "localhost" && bound !== "0.0.0.0" && bound !== "::" && !/^127\./.test(bound) && bound !== "::1") return url;
  u.hostname = urlHost(gw.host);
  return u.toString();
}

/** ws://, wss://, http:// or https://; a bare host:port is refused with the URL it likely meant. */
export function checkUrl(url: string): string {
  const shown = url.slice(0, 100);
  const hostPort = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})(\/.*)?$/i.exec(url);
  if (hostPort) fail("invalid_input", `chat: --url '${shown}' has no scheme; did you mean ws://${shown}?`, EXAMPLE);
  let protocol = "";
  try {
    protocol = new URL(url).protocol;
  } catch {
    // not a URL at all: the same message
  }
  if (!/^(wss?|https?):$/.test(protocol)) {
    fail("invalid_input", `chat: --url must be a ws://, wss://, http:// or https:// URL, not '${shown}'`, EXAMPLE);
  }
  return url;
}
