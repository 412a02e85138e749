import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MoltFailure } from "../../runtime/contracts/errors.ts";
import { dataUri, messageText, quoteParams, sendParams, target } from "./outbound.ts";

describe("outbound", () => {
  test("a group chat id addresses the group, anything else a recipient", () => {
    expect(target("group:abc+/=")).toEqual({ groupId: "abc+/=" });
    expect(target("+15550001111")).toEqual({ recipient: ["+15550001111"] });
  });

  test("approval buttons become command lines after the text, unless the text shows them", () => {
    const t = messageText({ text: "Approve shell_execute?", buttons: [{ id: "approve:ap1", label: "Approve" }, { id: "deny:ap1", label: "Deny" }, { id: "always:ap1", label: "Always" }] });
    expect(t.text).toBe("Approve shell_execute?\n\n/approve ap1\n/deny ap1\n/always ap1");
    const shown = messageText({ text: "Reply /approve ap2 or /deny ap2.", buttons: [{ id: "approve:ap2", label: "Approve" }, { id: "deny:ap2", label: "Deny" }, { id: "always:ap2", label: "Always" }] });
    expect(shown.text).toBe("Reply /approve ap2 or /deny ap2.\n\n/always ap2");
  });

  test("plain messages go as written, without styles", () => {
    expect(messageText({ text: "**not bold**", format: "plain" })).toEqual({ text: "**not bold**", styles: [] });
  });

  test("images become data URIs with a filename; a path is read from disk", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    expect(await dataUri({ kind: "image", mime: "image/png", data: png, name: "shot.png" })).toBe("data:image/png;filename=shot.png;base64,iVBORw==");
    const dir = mkdtempSync(join(tmpdir(), "sig-out-"));
    writeFileSync(join(dir, "cam;era.jpg"), png);
    expect(await dataUri({ kind: "image", mime: "image/jpeg", path: join(dir, "cam;era.jpg") })).toBe("data:image/jpeg;filename=cam_era.jpg;base64,iVBORw==");
    await expect(dataUri({ kind: "image", mime: "image/png", path: join(dir, "missing.png") })).rejects.toBeInstanceOf(MoltFailure);
  });

  test("a reply quotes the original by author and timestamp", async () => {
    expect(quoteParams("+15550002222:1700000000123")).toEqual({ quoteAuthor: "+15550002222", quoteTimestamp: 1700000000123 });
    expect(quoteParams("something-else")).toEqual({});
    const p = await sendParams("group:g1", { text: "hi", format: "markdown", blocks: [{ t: "para", children: [{ t: "bold", children: [{ t: "text", text: "hi" }] }] }], replyTo: "+15550002222:1700000000123" });
    expect(p).toEqual({ groupId: "g1", message: "hi", textStyle: ["0:2:BOLD"], quoteAuthor: "+15550002222", quoteTimestamp: 1700000000123 });
  });
});
