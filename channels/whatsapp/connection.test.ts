import { afterEach, describe, expect, test } from "bun:test";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { MoltFailure } from "../../runtime/contracts/errors.ts";
import { loadConnection } from "../../tests/fakes/whatsapp/fixtures.ts";
import { startWhatsApp, until, type WhatsAppHarness } from "../../tests/fakes/whatsapp/harness.ts";

let h: WhatsAppHarness;
afterEach(() => h?.stop());

describe("WhatsApp connection", () => {
  test("first link: the QR code is shown, credentials saved privately, 515 reconnects at once", async () => {
    h = await startWhatsApp();
    const sock = await h.connect({}, false);
    expect(h.plugin.status().state).toBe("connecting");
    await h.play(loadConnection("connection-first-link.json"));
    expect(h.plugin.status()).toEqual({ state: "connected" });
    expect(h.wa.sockets.length).toBe(2);
    const qr = h.logs.find((l) => l.message.includes("Link a device"));
    expect(qr?.message).toContain("▀");
    expect(qr!.message.split("\n").length).toBeGreaterThan(15);
    expect(h.logs.some((l) => l.message.includes("reconnecting in 0 ms"))).toBe(true);

    // baileys reports new credentials; they land in auth_dir, which only we can read
    sock.options.auth.creds.registered = true;
    h.wa.last.emit("creds.update", { registered: true });
    await until(() => h.logs.length > 0 && Bun.file(join(h.authDir, "creds.json")).size > 0, "creds.json");
    const creds = await readFile(join(h.authDir, "creds.json"), "utf8");
    expect(JSON.parse(creds).registered).toBe(true);
    expect((await stat(h.authDir)).mode & 0o777).toBe(0o700);
    // and no log line ever carries key material
    const secret = JSON.parse(creds).noiseKey.private.data as string;
    expect(secret.length).toBeGreaterThan(20);
    expect(h.logs.every((l) => !l.message.includes(secret))).toBe(true);
  });

  test("with a phone number configured, a pairing code is requested and shown instead", async () => {
    h = await startWhatsApp();
    const sock = await h.connect({ phone: "+15550009999" }, false);
    sock.emit("connection.update", { connection: "connecting", qr: "2@ref,key,key,adv" });
    await until(() => sock.pairingRequests.length === 1, "pairing request");
    expect(sock.pairingRequests).toEqual(["15550009999"]);
    await until(() => h.logs.some((l) => l.message.includes("K7QX-2M9P")), "code shown");
    expect(h.logs.some((l) => l.message.includes("▀"))).toBe(false);
  });

  test("a bad phone number is a config error naming the field", async () => {
    h = await startWhatsApp();
    const err = await h.plugin.connect({ auth_dir: h.authDir, phone: "call me" }, h.ctx).catch((e) => e);
    expect(err).toBeInstanceOf(MoltFailure);
    expect((err as MoltFailure).error.code).toBe("invalid_config");
    expect((err as MoltFailure).error.message).toContain("channels.whatsapp.phone");
  });

  test("dropped connections are retried with growing, capped delays, then work again", async () => {
    h = await startWhatsApp();
    await h.connect();
    await h.play([{ connection: "close", lastDisconnect: { error: new Error("x"), date: new Date() } }, ...loadConnection("connection-flaky.json")]);
    const delays = h.logs.filter((l) => l.message.includes("reconnecting in")).map((l) => Number(/in (\d+) ms/.exec(l.message)![1]));
    expect(delays).toEqual([1, 2, 4, 8, 8]);
    expect(h.wa.sockets.length).toBe(6);
    expect(h.plugin.status().state).toBe("connected");
    // the attempt counter starts over after a successful open
    await h.play(loadConnection("connection-flaky.json").slice(1, 2));
    expect(h.logs.at(-1)?.message).toContain("reconnecting in 1 ms (attempt 1)");
  });

  test("a send made while reconnecting waits and goes out on the new socket", async () => {
    h = await startWhatsApp();
    const first = await h.connect();
    first.close(408);
    await h.wa.socketCount(2);
    const sending = h.plugin.send("15550001111@s.whatsapp.net", { text: "still there?" });
    h.wa.last.open();
    expect((await sending).id).toBeTruthy();
    expect(first.sent.length).toBe(0);
    expect(h.wa.last.sent.map((s) => s.message.message?.extendedTextMessage?.text)).toEqual(["still there?"]);
  });

  test("logged out: no reconnect, status failed with how to re-link, sends fail at once", async () => {
    h = await startWhatsApp();
    await h.connect({}, false);
    await h.play(loadConnection("connection-logged-out.json"));
    expect(h.wa.sockets.length).toBe(1);
    const status = h.plugin.status();
    expect(status.state).toBe("failed");
    expect(status.detail).toContain("logged out");
    expect(status.detail).toContain(h.authDir);
    const err = await h.plugin.send("15550001111@s.whatsapp.net", { text: "hi" }).catch((e) => e);
    expect((err as MoltFailure).error.code).toBe("channel_error");
  });

  test("disconnect drains, ends the socket, stops reconnecting, and is idempotent", async () => {
    h = await startWhatsApp({ sendGapMs: 5 });
    const sock = await h.connect();
    const sends = [1, 2, 3].map((i) => h.plugin.send("15550001111@s.whatsapp.net", { text: `part ${i}` }));
    await h.plugin.disconnect();
    await Promise.all(sends);
    expect(sock.sent.length).toBe(3);
    expect(sock.ended).toBe(true);
    expect(h.plugin.status().state).toBe("stopped");
    await h.plugin.disconnect();
    expect(h.wa.sockets.length).toBe(1);
  });
});
