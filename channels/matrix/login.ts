// A logged-in MatrixClient from the config: an access token (checked with whoami) or a password
// login that reuses the device id saved under stateDir, so restarts do not pile up devices.
// The token stays in memory; errors name the field, never its value.
import { createClient, type MatrixClient } from "matrix-js-sdk";
import { MoltFailure, moltError } from "../../runtime/contracts/errors.ts";
import type { MatrixConfig } from "./config.ts";
import { silentLogger } from "./sdk-logger.ts";
import { type MatrixState, writeState } from "./state-file.ts";
import type { SyncTokenStore } from "./sync-store.ts";

function httpStatus(e: unknown): number | undefined {
  const s = (e as { httpStatus?: unknown }).httpStatus;
  return typeof s === "number" ? s : undefined;
}

function errcode(e: unknown): string {
  const c = (e as { errcode?: unknown }).errcode;
  return typeof c === "string" ? c : "network error";
}

function failLogin(e: unknown, field: string): never {
  const status = httpStatus(e);
  if (status === 401 || status === 403) {
    throw new MoltFailure(moltError("unauthorized", `channels.matrix.${field}: the homeserver rejected it (${errcode(e)})`, `check ${field} in config.yaml`));
  }
  throw new MoltFailure(moltError("channel_error", `channels.matrix.homeserver: cannot reach the homeserver (${status ? `HTTP ${status}` : errcode(e)})`, "check homeserver in config.yaml and the network"));
}

export async function loginClient(cfg: MatrixConfig, store: SyncTokenStore, stateDir: string, state: MatrixState): Promise<MatrixClient> {
  const base = { baseUrl: cfg.homeserver.replace(/\/+$/, ""), userId: cfg.user_id, store, logger: silentLogger, timelineSupport: false, useAuthorizationHeader: true, disableVoip: true };
  if (cfg.access_token) {
    const client = createClient({ ...base, accessToken: cfg.access_token, ...(state.device_id ? { deviceId: state.device_id } : {}) });
    let who: { user_id: string; device_id?: string };
    try {
      who = await client.whoami();
    } catch (e) {
      failLogin(e, "access_token");
    }
    if (who.user_id !== cfg.user_id) {
      throw new MoltFailure(moltError("invalid_config", `channels.matrix.access_token: belongs to ${who.user_id}, not user_id ${cfg.user_id}`, "use the bot account's token or fix user_id"));
    }
    return client;
  }
  const loginClient = createClient({ baseUrl: base.baseUrl, logger: silentLogger });
  let res: { access_token: string; device_id: string; user_id: string };
  try {
    res = await loginClient.loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: cfg.user_id },
      password: cfg.password as string,
      initial_device_display_name: "Moltbot",
      ...(state.device_id ? { device_id: state.device_id } : {}),
    });
  } catch (e) {
    failLogin(e, "password");
  }
  if (res.device_id !== state.device_id) {
    state.device_id = res.device_id;
    writeState(stateDir, state);
  }
  return createClient({ ...base, userId: res.user_id, accessToken: res.access_token, deviceId: res.device_id });
}
