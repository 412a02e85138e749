// A fake Matrix homeserver on 127.0.0.1:0 speaking the client–server API over a real socket,
// with helpers for tests to act as other users (messages, invites, reactions, images) and a
// record of what the bot did.
import { HomeserverState } from "./homeserver-state.ts";
import { type Accounts, type Record_, route, type SentEvent } from "./routes.ts";

export const HOST = "fake.local";

export interface FakeHomeserver {
  url: string;
  state: HomeserverState;
  rec: Record_;
  /** Registers a user; returns an access token for it. */
  addUser(userId: string, opts?: { password?: string; displayname?: string }): string;
  /** A room whose `members` have joined (the first one created it). */
  createRoom(members: string[], opts?: { encrypted?: boolean; id?: string }): string;
  invite(roomId: string, from: string, to: string, opts?: { isDirect?: boolean }): void;
  sendText(roomId: string, sender: string, body: string, extra?: Record<string, unknown>): string;
  sendImage(roomId: string, sender: string, data: Uint8Array, mime: string): string;
  react(roomId: string, sender: string, eventId: string, key: string): string;
  sendEncrypted(roomId: string, sender: string): string;
  join(roomId: string, userId: string): void;
  /** Resolves with the first event the bot sent (now or later) that matches. */
  waitSent(match: (e: SentEvent) => boolean, timeoutMs?: number): Promise<SentEvent>;
  /** While down, every request gets 502 (a homeserver outage behind a proxy). */
  setDown(down: boolean): void;
  stop(): Promise<void>;
}

export async function startFakeHomeserver(): Promise<FakeHomeserver> {
  const state = new HomeserverState();
  const accounts: Accounts = { passwords: new Map(), tokens: new Map(), profiles: new Map() };
  const rec: Record_ = { sent: [], typing: [], joins: [], logins: [], requests: [], unknown: [], syncs: [] };
  const handle = route(state, accounts, rec, HOST);
  let down = false;
  const server = Bun.serve({
    hostname: "127.0.0.1", port: 0, idleTimeout: 60,
    fetch: (req) => (down ? Response.json({ errcode: "M_UNKNOWN", error: "Bad gateway" }, { status: 502 }) : handle(req)),
  });
  let roomSeq = 0;

  const fake: FakeHomeserver = {
    url: `http://127.0.0.1:${server.port}`,
    state,
    rec,
    addUser(userId, opts = {}) {
      if (opts.password) accounts.passwords.set(userId, opts.password);
      accounts.profiles.set(userId, opts.displayname ?? userId.slice(1).split(":")[0]!);
      const token = `syt_${userId.slice(1).split(":")[0]}_${crypto.randomUUID().slice(0, 8)}`;
      accounts.tokens.set(token, { userId, deviceId: "TESTDEVICE" });
      return token;
    },
    createRoom(members, opts = {}) {
      const id = opts.id ?? `!room${++roomSeq}:${HOST}`;
      const creator = members[0] ?? "@nobody:fake.local";
      state.room(id);
      state.push(id, "m.room.create", creator, { creator, room_version: "10" }, { state_key: "" });
      for (const u of members) state.push(id, "m.room.member", u, { membership: "join", displayname: accounts.profiles.get(u) }, { state_key: u });
      if (opts.encrypted) state.push(id, "m.room.encryption", creator, { algorithm: "m.megolm.v1.aes-sha2" }, { state_key: "" });
      return id;
    },
    invite(roomId, from, to, opts = {}) {
      state.push(roomId, "m.room.member", from, { membership: "invite", is_direct: opts.isDirect === true, displayname: accounts.profiles.get(to) }, { state_key: to });
    },
    join(roomId, userId) {
      state.push(roomId, "m.room.member", userId, { membership: "join", displayname: accounts.profiles.get(userId) }, { state_key: userId });
    },
    sendText(roomId, sender, body, extra = {}) {
      return state.push(roomId, "m.room.message", sender, { msgtype: "m.text", body, ...extra }).event_id;
    },
    sendImage(roomId, sender, data, mime) {
      const id = `img${state.media.size + 1}`;
      state.media.set(id, { type: mime, data });
      return state.push(roomId, "m.room.message", sender, { msgtype: "m.image", body: "photo.png", url: `mxc://${HOST}/${id}`, info: { mimetype: mime, size: data.length } }).event_id;
    },
    react(roomId, sender, eventId, key) {
      return state.push(roomId, "m.reaction", sender, { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key } }).event_id;
    },
    sendEncrypted(roomId, sender) {
      return state.push(roomId, "m.room.encrypted", sender, { algorithm: "m.megolm.v1.aes-sha2", ciphertext: "AwgAEpAB...", sender_key: "k", session_id: "s", device_id: "D" }).event_id;
    },
    waitSent(match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const start = Date.now();
        const tick = () => {
          const hit = rec.sent.find(match);
          if (hit) return resolve(hit);
          if (Date.now() - start > timeoutMs) return reject(new Error(`fake homeserver: no matching event sent; sent so far: ${JSON.stringify(rec.sent.map((s) => [s.type, s.content.body]))}`));
          setTimeout(tick, 10);
        };
        tick();
      });
    },
    setDown(d) {
      down = d;
      state.wake();
    },
    async stop() {
      state.wake();
      server.stop(true);
    },
  };
  return fake;
}
