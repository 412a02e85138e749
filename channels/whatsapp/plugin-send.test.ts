import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { downloadMediaMessage } from "baileys";
import { MoltFailure } from "../../runtime/contracts/errors.ts";
import { fixturePath, loadMessage } from "../../tests/fakes/whatsapp/fixtures.ts";
import { startWhatsApp, type WhatsAppHarness } from "../../tests/fakes/whatsapp/harness.ts";

let h: WhatsAppHarness;
afterEach(() => h?.stop());
const ANN = "15550001111@s.whatsapp.net";
const GROUP = "120363041234567890@g.us";

describe("WhatsApp sending, built by baileys", () => {
  test("formatted blocks and approval commands become one extended text message", async () => {
    h = await startWhatsApp();
    const sock = await h.connect();
    const { id } = await h.plugin.send(ANN, {
      text: "**Run** `ls`?", format: "markdown",
      blocks: [{ t: "para", children: [{ t: "bold", children: [{ t: "text", text: "Run" }] }, { t: "text", text: " " }, { t: "code", text: "ls" }, { t: "text", text: "?" }] }],
      buttons: [{ id: "approve:ap_7", label: "Approve" }, { id: "deny:ap_7", label: "Deny" }],
    });
    const [sent] = sock.sent;
    expect(sent?.jid).toBe(ANN);
    expect(sent?.message.key.id).toBe(id);
    expect(sent?.message.key.fromMe).toBe(true);
    expect(sent?.message.message?.extendedTextMessage?.text).toBe("*Run* `ls`?\n\nApprove: /approve ap_7\nDeny: /deny ap_7");
  });

  test("a URL in the text is not fetched for a link preview", async () => {
    h = await startWhatsApp();
    const sock = await h.connect();
    await h.plugin.send(ANN, { text: "see https://intranet.example.org/private?token=abc" });
    expect(sock.previewFetches).toEqual([]);
    expect(sock.sent[0]?.message.message?.extendedTextMessage?.title ?? undefined).toBeUndefined();
  });

  test("a reply quotes the asker's message in a group", async () => {
    h = await startWhatsApp();
    const sock = await h.connect();
    h.plugin.onMessage(() => {});
    sock.upsert([loadMessage("group-mention.json")]);
    await h.plugin.send(GROUP, { text: "Nothing today.", replyTo: "3EB0AA11BB22CC33DD03" });
    const ctx = sock.sent[0]?.message.message?.extendedTextMessage?.contextInfo;
    expect(ctx?.stanzaId).toBe("3EB0AA11BB22CC33DD03");
    expect(ctx?.participant).toBe("15550002222@s.whatsapp.net");
    expect(ctx?.quotedMessage?.extendedTextMessage?.text).toBe("@15550009999 what's on my calendar?");
  });

  test("an image goes out encrypted and uploaded, with the text as caption, and decrypts back", async () => {
    h = await startWhatsApp();
    const sock = await h.connect();
    const png = readFileSync(fixturePath("photo.png"));
    await h.plugin.send(ANN, { text: "Here is the screenshot", attachments: [{ kind: "image", mime: "image/png", data: new Uint8Array(png) }] });
    expect(sock.sent.length).toBe(1);
    const img = sock.sent[0]!.message.message?.imageMessage;
    expect(img?.caption).toBe("Here is the screenshot");
    expect(img?.mimetype).toBe("image/png");
    expect(img?.mediaKey?.length).toBe(32);
    const back = await downloadMediaMessage(sock.sent[0]!.message, "buffer", {});
    expect(back).toEqual(png);
  });

  test("a long text travels apart from the image; images from a path work too", async () => {
    h = await startWhatsApp();
    const sock = await h.connect();
    const long = "x".repeat(1500);
    await h.plugin.send(ANN, { text: long, attachments: [{ kind: "image", mime: "image/png", path: fixturePath("photo.png") }] });
    expect(sock.sent.map((s) => Object.keys(s.message.message ?? {}).find((k) => k.endsWith("Message")))).toEqual(["extendedTextMessage", "imageMessage"]);
    expect(sock.sent[1]?.message.message?.imageMessage?.caption ?? "").toBe("");
  });

  test("sends to one chat keep their order; typing shows composing", async () => {
    h = await startWhatsApp({ sendGapMs: 3 });
    const sock = await h.connect();
    await h.plugin.typing(ANN);
    await Promise.all(["one", "two", "three"].map((t) => h.plugin.send(ANN, { text: t })));
    expect(sock.sent.map((s) => s.message.message?.extendedTextMessage?.text)).toEqual(["one", "two", "three"]);
    expect(sock.presences).toEqual([{ type: "composing", jid: ANN }]);
  });

  test("an edit replaces a sent message via baileys' protocol message", async () => {
    h = await startWhatsApp();
    const sock = await h.connect();
    const { id } = await h.plugin.send(ANN, { text: "Working…" });
    await h.plugin.edit(ANN, id, { text: "Done." });
    const proto = sock.sent[1]?.message.message?.protocolMessage;
    expect(proto?.key?.id).toBe(id);
    expect(proto?.editedMessage?.extendedTextMessage?.text ?? proto?.editedMessage?.conversation).toBe("Done.");
  });

  test("a failed send is a channel_error without the message text", async () => {
    h = await startWhatsApp();
    const sock = await h.connect();
    sock.failSends = 1;
    const err = await h.plugin.send(ANN, { text: "my secret plan" }).catch((e) => e);
    expect(err).toBeInstanceOf(MoltFailure);
    expect((err as MoltFailure).error.code).toBe("channel_error");
    expect((err as MoltFailure).message).not.toContain("secret plan");
    expect((await h.plugin.send(ANN, { text: "again" })).id).toBeTruthy();
  });
});
