// Which gateway `moltbot chat` talks to and with which token. The configured gateway.token goes
// only to this config's gateway (same host and port): sending it to whatever --url names would
// hand the local gateway's secret to another server.
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
  const url = urlArg === undefined ? undefined : checkUrl(urlArg);
  // With --url the config is only consulted for its token: a broken config must not stop the chat.
  const gw = url === undefined ? await configuredGateway() : await configuredGateway().catch(() => undefined);
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

/** A bind address as a host to connect to: the wildcard binds are reached over loopback. */
function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|0:0:0:0:0:0:0:1)$/i;
const bare = (host: string) => host.replace(/^\[|\]$/g, "").toLowerCase();

/** Same port, and the same host — any loopback name counts as a loopback or wildcard bind. */
function sameGateway(url: string, gw: GatewayConfig): boolean {
  const u = new URL(url);
  const port = u.port === "" ? (/^(wss|https):$/.test(u.protocol) ? 443 : 80) : Number(u.port);
  if (port !== gw.port) return false;
  const host = bare(u.hostname);
  const bound = bare(gw.host);
  if (host === bound) return true;
  return LOOPBACK.test(host) && (LOOPBACK.test(bound) || bound === "0.0.0.0" || bound === "::");
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
