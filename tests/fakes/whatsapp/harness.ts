// Everything a WhatsApp test needs: the channel built with the stand-in socket factory, a
// local media server, a private temp home and the log lines the channel wrote.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionState } from "baileys";
import { createWhatsAppChannel, type WhatsAppChannel, type WhatsAppOptions } from "../../../channels/whatsapp/index.ts";
import type { ChannelContext } from "../../../runtime/contracts/channel.ts";
import { fakeWhatsApp, type FakeSocket, type FakeWhatsApp } from "./fake-socket.ts";
import { startMediaServer, type MediaServer } from "./media-server.ts";

export interface WhatsAppHarness {
  plugin: WhatsAppChannel;
  wa: FakeWhatsApp;
  media: MediaServer;
  dir: string;
  authDir: string;
  logs: { level: string; message: string }[];
  ctx: ChannelContext;
  /** Connects with `config` and opens the first socket (skip with `open: false`). */
  connect(config?: Record<string, unknown>, open?: boolean): Promise<FakeSocket>;
  /** Plays connection.update payloads, following the channel onto each new socket it makes. */
  play(updates: Partial<ConnectionState>[]): Promise<void>;
  stop(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, what = "condition"): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await sleep(2);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function startWhatsApp(opts: WhatsAppOptions = {}): Promise<WhatsAppHarness> {
  const dir = await mkdtemp(join(tmpdir(), "molt-wa-"));
  const media = startMediaServer();
  const wa = fakeWhatsApp(media);
  const logs: { level: string; message: string }[] = [];
  const ctx: ChannelContext = { stateDir: join(dir, "state"), log: (level, message) => void logs.push({ level, message }) };
  const plugin = createWhatsAppChannel({
    socketFactory: wa.factory, sendGapMs: 0, backoff: { initialMs: 1, maxMs: 8 }, random: () => 0.5, ...opts,
  });
  const authDir = join(dir, "auth");
  const h: WhatsAppHarness = {
    plugin, wa, media, dir, authDir, logs, ctx,
    async connect(config = {}, open = true) {
      await plugin.connect({ auth_dir: authDir, ...config }, ctx);
      const sock = await wa.socketCount(1);
      if (open) {
        sock.open();
        await until(() => plugin.status().state === "connected", "connected");
      }
      return sock;
    },
    async play(updates) {
      for (const u of updates) {
        const sock = wa.last;
        sock.emit("connection.update", u);
        if (u.connection === "close") await until(() => wa.sockets.length > wa.sockets.indexOf(sock) + 1 || plugin.status().state === "failed", "reconnect or failure");
        if (u.connection === "open") await until(() => plugin.status().state === "connected", "connected");
      }
    },
    async stop() {
      await plugin.disconnect();
      await media.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return h;
}
