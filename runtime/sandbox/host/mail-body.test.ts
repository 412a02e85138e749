import { describe, expect, test } from "bun:test";
import type { MessageStructureObject } from "imapflow";
import { addresses, date } from "./mail-args.ts";
import { planBody } from "./mail-body.ts";

const node = (type: string, extra: Partial<MessageStructureObject> = {}): MessageStructureObject => ({ type, ...extra });

describe("planBody", () => {
  test("a single-part text message is read from part 1", () => {
    expect(planBody(node("text/plain", { size: 10 }))).toEqual({ textPart: "1", html: false, attachments: [] });
  });

  test("plain text wins over HTML; attachments are listed by name, type and size", () => {
    const root = node("multipart/mixed", {
      childNodes: [
        node("multipart/alternative", { part: "1", childNodes: [node("text/plain", { part: "1.1" }), node("text/html", { part: "1.2" })] }),
        node("application/pdf", { part: "2", disposition: "attachment", dispositionParameters: { filename: "a.pdf" }, size: 1234 }),
        node("image/png", { part: "3", parameters: { name: "logo.png" }, size: 99 }),
        node("text/plain", { part: "4", disposition: "attachment", dispositionParameters: { filename: "notes.txt" }, size: 5 }),
      ],
    });
    expect(planBody(root)).toEqual({
      textPart: "1.1",
      html: false,
      attachments: [
        { name: "a.pdf", mime: "application/pdf", size: 1234 },
        { name: "logo.png", mime: "image/png", size: 99 },
        { name: "notes.txt", mime: "text/plain", size: 5 },
      ],
    });
  });

  test("HTML only: the HTML part, to be turned into text; no body at all: no part", () => {
    expect(planBody(node("multipart/alternative", { childNodes: [node("text/html", { part: "1" })] }))).toMatchObject({ textPart: "1", html: true });
    expect(planBody(undefined)).toEqual({ textPart: undefined, html: false, attachments: [] });
  });
});

describe("mail arguments", () => {
  test("addresses: plain addresses only, never header syntax", () => {
    expect(addresses("f", { to: "a@b.c" }, "to", true)).toEqual(["a@b.c"]);
    expect(addresses("f", { to: ["a@b.c", "d@e.f"] }, "to", true)).toEqual(["a@b.c", "d@e.f"]);
    for (const bad of ["Bob <a@b.c>", "a@b.c, d@e.f", "a@b.c\r\nBcc: x@y.z", "nope", ""]) {
      expect(() => addresses("mail.send", { to: [bad] }, "to", true)).toThrow("is not an e-mail address");
    }
    expect(() => addresses("mail.send", {}, "to", true)).toThrow("mail.send: to is required");
  });

  test("dates", () => {
    expect(date("f", { since: "2026-01-28" }, "since")?.toISOString()).toBe("2026-01-28T00:00:00.000Z");
    expect(() => date("mail.list", { since: "last week" }, "since")).toThrow("since must be a date");
  });
});
