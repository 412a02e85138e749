// The real baileys socket under Bun (libsignal, protobufjs, noise handshake), pointed at a
// WebSocket server on 127.0.0.1 that hangs up: the channel sees baileys' own close (428) and
// reconnects with backoff; a fresh auth folder is created private; disconnect ends it all.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWhatsAppChannel } from "../../channels/whatsapp/index.ts";
import { until } from "../fakes/whatsapp/harness.ts";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

test("baileys' real socket connects to the given endpoint, speaks first, and is retried after hang-ups", async () => {
  const frames: Uint8Array[] = [];
  let connections = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, srv) => (srv.upgrade(req) ? undefined : new Response("websocket only", { status: 400 })),
    websocket: {
      open(ws) {
        connections++;
        setTimeout(() => ws.close(), 20); // WhatsApp's server going away mid-handshake
      },
      message(_ws, data) {
        frames.push(typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data));
      },
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "molt-wa-real-"));
  const logs: string[] = [];
  const plugin = createWhatsAppChannel({ webSocketUrl: `ws://127.0.0.1:${server.port}/ws/chat`, backoff: { initialMs: 5, maxMs: 20 } });
  cleanup = async () => {
    await plugin.disconnect();
    await server.stop(true);
    rmSync(dir, { recursive: true, force: true });
  };
  await plugin.connect({ auth_dir: join(dir, "auth") }, { stateDir: join(dir, "state"), log: (l, m) => void logs.push(`${l}: ${m}`) });
  await until(() => connections >= 3, "three connection attempts");
  // the noise handshake's prologue: "WA" then the protocol version bytes
  expect(new TextDecoder().decode(frames[0]!.slice(0, 2))).toBe("WA");
  expect(logs.some((l) => l.includes("connection closed (428)"))).toBe(true);
  expect(plugin.status().state).toBe("connecting");
  expect(statSync(join(dir, "auth")).mode & 0o777).toBe(0o700);

  await plugin.disconnect();
  const after = connections;
  await Bun.sleep(60);
  expect(connections).toBe(after);
  expect(plugin.status().state).toBe("stopped");
});
