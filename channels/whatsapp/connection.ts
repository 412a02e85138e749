// One linked-device session over time: opens a socket, shows the login QR / pairing code,
// saves credentials, and on close either reconnects with backoff or gives up with a reason
// the user can act on (logged out, replaced, banned).
import { DisconnectReason, type AuthenticationState, type BaileysEventMap, type ConnectionState } from "baileys";
import type { ChannelContext } from "../../runtime/contracts/channel.ts";
import { MoltFailure, moltError } from "../../runtime/contracts/errors.ts";
import { backoffDelay, type BackoffOptions } from "./backoff.ts";
import { renderQr } from "./qr-terminal.ts";
import { quietLogger, type SocketFactory, type SocketOptions, type WaSocket } from "./socket.ts";

export type ConnState = { state: "connected" | "connecting" | "failed" | "stopped"; detail?: string };
type Upsert = BaileysEventMap["messages.upsert"];

export interface ConnectionDeps {
  factory: SocketFactory;
  auth: { state: AuthenticationState; saveCreds: () => Promise<void> };
  authDir: string;
  phone?: string;
  backoff: BackoffOptions;
  random: () => number;
  log: ChannelContext["log"];
  getMessage: SocketOptions["getMessage"];
  onUpsert(upsert: Upsert, sock: WaSocket): void;
}

/** Closes after which reconnecting cannot help: the user has to act. */
function terminal(code: number | undefined, authDir: string): string | undefined {
  if (code === DisconnectReason.loggedOut) return `logged out: this device was unlinked in WhatsApp; delete ${authDir} and restart to link again`;
  if (code === DisconnectReason.connectionReplaced) return "replaced: another session with the same credentials connected; stop the other gateway, then restart";
  if (code === DisconnectReason.forbidden) return "forbidden: WhatsApp refused this account (403)";
  return undefined;
}

function statusCodeOf(update: Partial<ConnectionState>): number | undefined {
  const err = update.lastDisconnect?.error as { output?: { statusCode?: unknown } } | undefined;
  const code = err?.output?.statusCode;
  return typeof code === "number" ? code : undefined;
}

export class WaConnection {
  private status: ConnState = { state: "connecting" };
  private sock: WaSocket | undefined;
  private unsubscribe: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private waiters: { resolve(s: WaSocket): void; reject(e: unknown): void }[] = [];

  constructor(private readonly d: ConnectionDeps) {}

  get current(): ConnState {
    return { ...this.status };
  }

  /** The open socket, or undefined while (re)connecting. */
  get socket(): WaSocket | undefined {
    return this.status.state === "connected" ? this.sock : undefined;
  }

  start(): void {
    const sock = this.d.factory({ auth: this.d.auth.state, logger: quietLogger(this.d.log), getMessage: this.d.getMessage });
    this.sock = sock;
    let askedForCode = false;
    this.unsubscribe = sock.ev.process(async (events) => {
      if (sock !== this.sock) return; // a late event from a socket we already replaced
      if (events["creds.update"]) await this.d.auth.saveCreds().catch(() => this.d.log("error", "whatsapp: could not save credentials to auth_dir"));
      const update = events["connection.update"];
      if (update?.qr && !askedForCode) {
        askedForCode = this.d.phone !== undefined;
        await this.showLogin(sock, update.qr);
      }
      if (update?.connection === "open") this.opened();
      if (update?.connection === "close") this.closed(statusCodeOf(update));
      const upsert = events["messages.upsert"];
      if (upsert) this.d.onUpsert(upsert, sock);
    });
  }

  private async showLogin(sock: WaSocket, qr: string): Promise<void> {
    this.status = { state: "connecting", detail: "waiting to be linked from the phone" };
    if (this.d.phone === undefined) {
      this.d.log("info", `whatsapp: scan this QR code in WhatsApp → Settings → Linked devices → Link a device:\n${renderQr(qr)}`);
      return;
    }
    try {
      const code = await sock.requestPairingCode(this.d.phone);
      this.d.log("info", `whatsapp: on your phone open WhatsApp → Linked devices → Link a device → Link with phone number instead, and enter the code ${code}`);
    } catch {
      this.d.log("error", "whatsapp: requesting a pairing code failed; check channels.whatsapp.phone, or remove it to log in with a QR code");
    }
  }

  private opened(): void {
    this.attempt = 0;
    this.status = { state: "connected" };
    this.d.log("info", "whatsapp: connected");
    const sock = this.sock!;
    for (const w of this.waiters.splice(0)) w.resolve(sock);
  }

  private closed(code: number | undefined): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.status.state === "stopped") return;
    const reason = terminal(code, this.d.authDir);
    if (reason) {
      this.status = { state: "failed", detail: reason };
      this.d.log("error", `whatsapp: ${reason}`);
      this.rejectWaiters(reason);
      return;
    }
    // 515 follows a fresh link: the server wants a new socket with the new credentials now.
    const delay = code === DisconnectReason.restartRequired ? 0 : backoffDelay(++this.attempt, this.d.backoff, this.d.random);
    this.status = { state: "connecting", detail: `reconnecting in ${delay} ms (attempt ${this.attempt})` };
    this.d.log("warn", `whatsapp: connection closed (${code ?? "no status"}); reconnecting in ${delay} ms (attempt ${this.attempt})`);
    this.timer = setTimeout(() => { this.timer = undefined; if (this.status.state !== "stopped") this.start(); }, delay);
  }

  /** The open socket; waits through a reconnect, fails at once when the session is dead. */
  waitOpen(timeoutMs: number): Promise<WaSocket> {
    const open = this.socket;
    if (open) return Promise.resolve(open);
    if (this.status.state === "failed" || this.status.state === "stopped") {
      return Promise.reject(failure(`whatsapp is ${this.status.state}${this.status.detail ? `: ${this.status.detail}` : ""}`));
    }
    return new Promise((resolve, reject) => {
      const w = { resolve: (s: WaSocket) => { clearTimeout(t); resolve(s); }, reject: (e: unknown) => { clearTimeout(t); reject(e); } };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(failure(`whatsapp: not connected after ${timeoutMs} ms (${this.status.detail ?? this.status.state})`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  rejectWaiters(why: string): void {
    for (const w of this.waiters.splice(0)) w.reject(failure(`whatsapp: ${why}`));
  }

  stop(): void {
    if (this.status.state === "stopped") return;
    this.status = { state: "stopped" };
    if (this.timer) clearTimeout(this.timer);
    this.rejectWaiters("stopped");
    this.unsubscribe?.();
    try {
      this.sock?.end(undefined);
    } catch {
      // already closed
    }
    this.sock = undefined;
  }
}

const failure = (message: string): MoltFailure =>
  new MoltFailure(moltError("channel_error", message, "see the gateway log for the WhatsApp connection"));
