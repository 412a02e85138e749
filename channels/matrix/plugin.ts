// The Matrix ChannelPlugin: matrix-js-sdk's /sync loop in, room messages out. It only speaks
// Matrix — who may talk, sessions, commands and approvals are the router's.
import { ClientEvent, type MatrixClient, type MatrixEvent, RoomEvent, RoomMemberEvent, SyncState } from "matrix-js-sdk";
import type { ActionHandler, ChannelConfig, ChannelContext, ChannelPlugin, Message, MessageHandler } from "../../runtime/contracts/channel.ts";
import { acceptInvite, type MatrixConfig, parseConfig } from "./config.ts";
import { prepareEvent } from "./handle-event.ts";
import { loginClient } from "./login.ts";
import { RoomFacts } from "./room-facts.ts";
import { sendMessage, sendPlain } from "./send.ts";
import { readState } from "./state-file.ts";
import { SyncTokenStore } from "./sync-store.ts";

type Status = ReturnType<NonNullable<ChannelPlugin["status"]>>;

export class MatrixChannel implements ChannelPlugin {
  readonly name = "matrix";
  readonly maxTextLength = 16_000;
  // Matrix limits a whole event to 65536 bytes of JSON (Synapse: M_TOO_LARGE), and a message
  // carries its text twice: `body` and the HTML `formatted_body`. 24 KiB of plain text (the
  // router fills 90 %: ~21.6 KiB) gives ~43 KiB for the two copies of CJK or emoji text,
  // leaving ~20 KiB for tags, HTML escaping, JSON escaping and the homeserver's envelope.
  readonly maxTextBytes = 24 * 1024;
  #client?: MatrixClient;
  #cfg?: MatrixConfig;
  #ctx?: ChannelContext;
  #facts?: RoomFacts;
  #botName?: string;
  #live = false;
  #status: Status = { state: "stopped" };
  readonly #messageHandlers: MessageHandler[] = [];
  readonly #actionHandlers: ActionHandler[] = [];
  readonly #inflight = new Set<Promise<unknown>>();
  /** Events are prepared in arrival order (see handle-event.ts). */
  #prepared: Promise<unknown> = Promise.resolve();
  /** Rooms told recently that encrypted messages can't be read, so the notice isn't repeated per message. */
  readonly #noticed = new Map<string, number>();

  onMessage(handler: MessageHandler): void {
    this.#messageHandlers.push(handler);
  }

  onAction(handler: ActionHandler): void {
    this.#actionHandlers.push(handler);
  }

  status(): Status {
    return { ...this.#status };
  }

  async connect(config: ChannelConfig, ctx: ChannelContext): Promise<void> {
    const cfg = parseConfig(config);
    this.#cfg = cfg;
    this.#ctx = ctx;
    this.#status = { state: "connecting" };
    const state = readState(ctx.stateDir, `${cfg.user_id}@${cfg.homeserver}`);
    const store = new SyncTokenStore(ctx.stateDir, state);
    const client = await loginClient(cfg, store, ctx.stateDir, state);
    this.#client = client;
    this.#facts = new RoomFacts(client);
    this.#botName = await client.getProfileInfo(cfg.user_id, "displayname").then((p) => p.displayname, () => undefined);
    // A first-ever sync returns recent history: that is not news, so only a resumed sync's
    // messages are answered before the first PREPARED.
    this.#live = store.resuming;

    client.on(RoomEvent.Timeline, (ev: MatrixEvent, _room, toStart?: boolean, removed?: boolean) => {
      if (toStart || removed) return;
      if (ev.getType() === "m.room.member") this.#facts?.membershipChanged(ev.getRoomId() ?? "");
      if (!this.#live) return;
      const raw = ev.event;
      this.#prepared = this.#prepared.then(() => prepareEvent(this.#deps(), raw)).then(
        (deliver) => deliver && this.#track(deliver()),
        (e: unknown) => this.#ctx?.log("warn", `matrix: ${e instanceof Error ? e.message : String(e)}`),
      );
    });
    client.on(RoomMemberEvent.Membership, (ev: MatrixEvent, member) => {
      if (member.userId !== cfg.user_id || member.membership !== "invite") return;
      this.#track(this.#onInvite(member.roomId, ev.getSender() ?? "", ev.getContent().is_direct === true));
    });
    const prepared = new Promise<void>((resolve) => {
      client.on(ClientEvent.Sync, (s: SyncState, _prev: SyncState | null, data?: { error?: Error }) => {
        this.#onSync(s, data?.error);
        if (s === SyncState.Prepared || s === SyncState.Syncing) resolve();
        if (s === SyncState.Stopped) resolve();
      });
    });
    await client.startClient({ initialSyncLimit: 1, lazyLoadMembers: false, disablePresence: true });
    // Return once the first sync landed, or after a while with status "connecting" (the SDK
    // keeps retrying with backoff; status() tells the health endpoint).
    await Promise.race([prepared, Bun.sleep(20_000)]);
  }

  #onSync(s: SyncState, error?: Error): void {
    const log = this.#ctx?.log ?? (() => {});
    const before = this.#status.state;
    if (s === SyncState.Prepared || s === SyncState.Syncing) {
      this.#live = true;
      this.#status = { state: "connected" };
    } else if (s === SyncState.Reconnecting || s === SyncState.Catchup) {
      this.#status = { state: "connecting", detail: "reconnecting to the homeserver" };
    } else if (s === SyncState.Error) {
      const code = (error as { errcode?: string } | undefined)?.errcode;
      this.#status = code === "M_UNKNOWN_TOKEN"
        ? { state: "failed", detail: "the homeserver no longer accepts the access token (channels.matrix.access_token)" }
        : { state: "connecting", detail: "sync failing, retrying with backoff" };
    } else if (s === SyncState.Stopped) {
      this.#status = { state: "stopped" };
    }
    if (this.#status.state !== before) log(this.#status.state === "failed" ? "error" : "info", `matrix: ${this.#status.state}${this.#status.detail ? ` (${this.#status.detail})` : ""}`);
  }

  async #onInvite(roomId: string, inviter: string, isDirect: boolean): Promise<void> {
    const cfg = this.#cfg as MatrixConfig;
    if (!acceptInvite(cfg, inviter, isDirect)) {
      this.#ctx?.log("info", `matrix: ignored an invite to ${roomId} from ${inviter} (dm: ${cfg.dm})`);
      return;
    }
    await this.#client?.joinRoom(roomId);
    this.#ctx?.log("info", `matrix: joined ${roomId} on ${inviter}'s invite`);
  }

  #deps() {
    return {
      client: this.#client as MatrixClient,
      facts: this.#facts as RoomFacts,
      botUserId: (this.#cfg as MatrixConfig).user_id,
      botDisplayName: this.#botName,
      log: this.#ctx?.log ?? (() => {}),
      messageHandlers: this.#messageHandlers,
      actionHandlers: this.#actionHandlers,
      noticeEncrypted: (roomId: string) => this.#noticeEncrypted(roomId),
    };
  }

  async #noticeEncrypted(roomId: string): Promise<void> {
    const last = this.#noticed.get(roomId) ?? 0;
    if (Date.now() - last < 60 * 60_000) return;
    this.#noticed.set(roomId, Date.now());
    if (!this.#client) return;
    await sendPlain(this.#client, roomId, "m.room.message", {
      msgtype: "m.notice",
      body: "I can't read end-to-end encrypted messages yet. Please talk to me in an unencrypted room (create a room with encryption turned off and invite me).",
    });
  }

  #track<T>(p: Promise<T>): void {
    const q = p.catch((e) => this.#ctx?.log("warn", `matrix: ${e instanceof Error ? e.message : String(e)}`)).finally(() => this.#inflight.delete(q));
    this.#inflight.add(q);
  }

  async send(chatId: string, message: Message): Promise<{ id: string }> {
    const client = this.#client;
    if (!client || this.#status.state === "stopped") throw new Error("matrix: not connected");
    const p = sendMessage(client, this.#facts as RoomFacts, chatId, message);
    this.#inflight.add(p);
    try {
      return await p;
    } finally {
      this.#inflight.delete(p);
    }
  }

  async typing(chatId: string): Promise<void> {
    await this.#client?.sendTyping(chatId, true, 30_000);
  }

  async disconnect(): Promise<void> {
    if (!this.#client) return;
    const client = this.#client;
    await this.#prepared;
    await Promise.allSettled([...this.#inflight]);
    client.stopClient();
    client.removeAllListeners();
    this.#client = undefined;
    this.#status = { state: "stopped" };
  }
}
