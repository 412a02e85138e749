// The `channels.signal` block as this channel reads it. `dm` and `allow` belong to the router;
// here only where the daemon is and which account speaks. Credentials in the URL
// (`http://user:pass@host`, for a daemon behind a reverse proxy) become an Authorization header
// and are never part of what is logged.
import type { ChannelConfig } from "../../runtime/contracts/channel.ts";
import { fail } from "../../runtime/contracts/errors.ts";

export interface SignalConfig {
  /** `http(s)://host:port` without credentials or path — safe to log. */
  origin: string;
  /** Any path prefix of the daemon's URL (normally empty). */
  base: string;
  account: string;
  headers: Record<string, string>;
}

const NUMBER = /^\+[1-9]\d{6,14}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseSignalConfig(config: ChannelConfig): SignalConfig {
  const rawUrl = config.url ?? "http://127.0.0.1:8080";
  if (typeof rawUrl !== "string") fail("invalid_config", "channels.signal.url must be a string", "set it to the signal-cli daemon's --http address, e.g. http://127.0.0.1:8080");
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    fail("invalid_config", "channels.signal.url is not a URL", "set it to the signal-cli daemon's --http address, e.g. http://127.0.0.1:8080");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") fail("invalid_config", "channels.signal.url must be http or https", "signal-cli's daemon speaks HTTP with --http=HOST:PORT");
  const account = config.account;
  if (typeof account !== "string" || !(NUMBER.test(account) || UUID.test(account))) {
    fail("invalid_config", "channels.signal.account must be the bot's number in international format (+15550001111) or its account UUID", "use the account signal-cli was registered or linked with");
  }
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    headers.authorization = `Basic ${btoa(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`)}`;
  }
  return { origin: url.origin, base: url.pathname.replace(/\/+$/, ""), account, headers };
}
