// The client–server API endpoints the fake answers (spec v1.11 shapes). Unknown paths get the
// spec's M_UNRECOGNIZED 404 and are recorded, so a test can see what the SDK asked for.
import type { HomeserverState } from "./homeserver-state.ts";
import { parseSince, syncBody } from "./sync-response.ts";

export interface SentEvent {
  roomId: string;
  type: string;
  txnId: string;
  eventId: string;
  content: Record<string, unknown>;
}

export interface Accounts {
  /** userId → password */
  passwords: Map<string, string>;
  /** access token → { userId, deviceId } */
  tokens: Map<string, { userId: string; deviceId: string }>;
  profiles: Map<string, string>;
}

export interface Record_ {
  sent: SentEvent[];
  typing: { roomId: string; userId: string; typing: boolean }[];
  joins: { roomId: string; userId: string }[];
  logins: { type: string; user: string; deviceId?: string }[];
  requests: { method: string; path: string; query: string; authorization: string }[];
  unknown: string[];
  /** `since` values of /sync requests, in order ("" for an initial sync). */
  syncs: string[];
}

const json = (body: unknown, status = 200) => Response.json(body, { status });
const err = (status: number, errcode: string, error: string) => json({ errcode, error }, status);

export function route(state: HomeserverState, accounts: Accounts, rec: Record_, host: string) {
  let txnSeq = 0;
  const txns = new Map<string, string>();

  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const p = decodeURIComponent(url.pathname);
    const m = req.method;
    rec.requests.push({ method: m, path: url.pathname, query: url.search, authorization: req.headers.get("authorization") ?? "" });

    if (p === "/_matrix/client/versions") return json({ versions: ["v1.1", "v1.5", "v1.11"], unstable_features: {} });
    if (p === "/_matrix/client/v3/login" && m === "GET") return json({ flows: [{ type: "m.login.password" }] });
    if (p === "/_matrix/client/v3/login" && m === "POST") {
      const body = (await req.json()) as { type?: string; identifier?: { user?: string }; user?: string; password?: string; device_id?: string };
      const user = body.identifier?.user ?? body.user ?? "";
      const userId = user.startsWith("@") ? user : `@${user}:${host}`;
      rec.logins.push({ type: String(body.type), user: userId, deviceId: body.device_id });
      if (body.type !== "m.login.password" || accounts.passwords.get(userId) !== body.password) return err(403, "M_FORBIDDEN", "Invalid username or password");
      const deviceId = body.device_id ?? `DEV${++txnSeq}`;
      const token = `syt_${crypto.randomUUID().replaceAll("-", "")}`;
      accounts.tokens.set(token, { userId, deviceId });
      return json({ user_id: userId, access_token: token, device_id: deviceId, home_server: host });
    }
    if (p.startsWith("/_matrix/media/") && p.includes("/config")) return json({ "m.upload.size": 50_000_000 });

    // Everything below needs an access token (header, as the SDK sends it).
    const token = (req.headers.get("authorization") ?? "").replace(/^Bearer /, "");
    const who = accounts.tokens.get(token);
    if (!who) return err(401, "M_UNKNOWN_TOKEN", "Unknown access token");
    const me = who.userId;

    if (p === "/_matrix/client/v3/account/whoami") return json({ user_id: me, device_id: who.deviceId });
    if (p === "/_matrix/client/v3/sync") {
      const sinceRaw = url.searchParams.get("since");
      rec.syncs.push(sinceRaw ?? "");
      const since = parseSince(sinceRaw);
      const timeout = Math.min(Number(url.searchParams.get("timeout") ?? 0) || 0, 30_000);
      await state.waitPast(since, timeout);
      return json(syncBody(state, me, since));
    }
    let r = p.match(/^\/_matrix\/client\/v3\/user\/[^/]+\/filter(?:\/(.+))?$/);
    if (r) return m === "POST" ? json({ filter_id: "f1" }) : json({ room: { timeline: { limit: 20 } } });
    if (p.startsWith("/_matrix/client/v3/pushrules")) return json({ global: { override: [], content: [], room: [], sender: [], underride: [] } });
    if (p === "/_matrix/client/v3/capabilities") return json({ capabilities: {} });
    if (p.startsWith("/_matrix/client/v3/user/") && p.includes("/account_data/")) return m === "PUT" ? json({}) : err(404, "M_NOT_FOUND", "no account data");
    r = p.match(/^\/_matrix\/client\/v3\/(?:join\/(.+)|rooms\/([^/]+)\/join)$/);
    if (r && m === "POST") {
      const roomId = (r[1] ?? r[2]) as string;
      const room = state.rooms.get(roomId);
      if (!room || (room.members.get(me) !== "invite" && room.members.get(me) !== "join")) return err(403, "M_FORBIDDEN", "You are not invited to this room.");
      rec.joins.push({ roomId, userId: me });
      if (room.members.get(me) !== "join") state.push(roomId, "m.room.member", me, { membership: "join", displayname: accounts.profiles.get(me) }, { state_key: me });
      return json({ room_id: roomId });
    }
    r = p.match(/^\/_matrix\/client\/v3\/rooms\/([^/]+)\/send\/([^/]+)\/([^/]+)$/);
    if (r && m === "PUT") {
      const [, roomId, type, txnId] = r as unknown as [string, string, string, string];
      const key = `${token}|${txnId}`;
      const seen = txns.get(key);
      if (seen) return json({ event_id: seen });
      if (state.rooms.get(roomId)?.members.get(me) !== "join") return err(403, "M_FORBIDDEN", "not in room");
      const content = (await req.json()) as Record<string, unknown>;
      const ev = state.push(roomId, type, me, content, { unsigned: { transaction_id: txnId } });
      txns.set(key, ev.event_id);
      rec.sent.push({ roomId, type, txnId, eventId: ev.event_id, content });
      return json({ event_id: ev.event_id });
    }
    r = p.match(/^\/_matrix\/client\/v3\/rooms\/([^/]+)\/typing\/(.+)$/);
    if (r && m === "PUT") {
      const body = (await req.json()) as { typing?: boolean };
      rec.typing.push({ roomId: r[1] as string, userId: r[2] as string, typing: body.typing === true });
      return json({});
    }
    r = p.match(/^\/_matrix\/client\/v3\/rooms\/([^/]+)\/event\/(.+)$/);
    if (r) {
      const ev = state.events.find((e) => e.room_id === r?.[1] && e.event_id === r?.[2]);
      if (!ev) return err(404, "M_NOT_FOUND", "Event not found");
      const { pos: _pos, ...wire } = ev;
      return json(wire);
    }
    r = p.match(/^\/_matrix\/client\/v3\/rooms\/([^/]+)\/joined_members$/);
    if (r) {
      const room = state.rooms.get(r[1] as string);
      if (!room) return err(404, "M_NOT_FOUND", "no such room");
      return json({ joined: Object.fromEntries(state.joined(room.id).map((u) => [u, { display_name: room.displayNames.get(u) ?? null }])) });
    }
    r = p.match(/^\/_matrix\/client\/v3\/profile\/([^/]+)(?:\/(displayname|avatar_url))?$/);
    if (r) {
      const name = accounts.profiles.get(r[1] as string);
      if (name === undefined) return err(404, "M_NOT_FOUND", "Profile not found");
      return json({ displayname: name });
    }
    if ((p === "/_matrix/media/v3/upload" || p === "/_matrix/client/v1/media/upload") && m === "POST") {
      const id = `m${state.media.size + 1}${crypto.randomUUID().slice(0, 8)}`;
      state.media.set(id, { type: req.headers.get("content-type") ?? "application/octet-stream", data: new Uint8Array(await req.arrayBuffer()) });
      return json({ content_uri: `mxc://${host}/${id}` });
    }
    r = p.match(/^\/_matrix\/(?:client\/v1\/media|media\/v3)\/download\/([^/]+)\/([^/]+)/);
    if (r) {
      const media = state.media.get(r[2] as string);
      if (!media) return err(404, "M_NOT_FOUND", "Not found");
      return new Response(media.data, { headers: { "content-type": media.type } });
    }
    rec.unknown.push(`${m} ${url.pathname}`);
    return err(404, "M_UNRECOGNIZED", "Unrecognized request");
  };
}
