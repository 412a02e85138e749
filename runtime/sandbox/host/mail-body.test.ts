import { describe, expect, test } from "bun:test";
import type { MessageStructureObject } from "imapflow";
import { addresses, date } from "./mail-args.ts";
import { base64DecodedSize, capText, planBody } from "./mail-body.ts";

const node = (type: string, extra: Partial<MessageStructureObject> = {}): MessageStructureObject => ({ type, ...extra });

describe("planBody", () => {
  test("a single-part text message is read from part 1", () => {
    expect(planBody(node("text/plain", { size: 10 }))).toEqual({ textPart: "1", html: false, textSize: 10, attachments: [], base64: [] });
  });

  test("plain text wins over HTML; attachments are listed by name, type and size", () => {
    const root = node("multipart/mixed", {
      childNodes: [
        node("multipart/alternative", { part: "1", childNodes: [node("text/plain", { part: "1.1" }), node("text/html", { part: "1.2" })] }),
        node("application/pdf", { part: "2", disposition: "attachment", dispositionParameters: { filename: "a.pdf" }, size: 1234, encoding: "BASE64" }),
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
      base64: [{ index: 0, part: "2", size: 1234 }],
    });
  });

  test("HTML only: the HTML part, to be turned into text; no body at all: no part", () => {
    expect(planBody(node("multipart/alternative", { childNodes: [node("text/html", { part: "1" })] }))).toMatchObject({ textPart: "1", html: true });
    expect(planBody(undefined)).toEqual({ textPart: undefined, html: false, attachments: [], base64: [] });
  });
});

describe("base64DecodedSize", () => {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) % 256));
  /** A part as MIME writes it: `line` characters a line, CRLF between lines, optionally one after the last. */
  const encode = (n: number, line: number | undefined, trailing = "") => {
    const b64 = bytes(n).toString("base64");
    return (line === undefined ? b64 : b64.replace(new RegExp(`(.{${line}})(?!$)`, "g"), "$1\r\n")) + trailing;
  };
  const sized = (part: string, tailBytes = 1024) => base64DecodedSize(part.length, part.slice(-tailBytes));

  test.each([0, 1, 2, 3, 4, 5, 56, 57, 58, 100, 3009, 3010, 3011, 100_001, 1_000_000])("%i bytes, wrapped at 76, 64 or unwrapped, with or without a final CRLF", (n) => {
    for (const line of [76, 64, undefined]) {
      for (const trailing of ["", "\r\n"]) expect(sized(encode(n, line, trailing))).toBe(n);
    }
    // Bare LF line ends.
    expect(sized(encode(n, 76).replace(/\r\n/g, "\n"))).toBe(n);
  });

  test("the reported case: 3009 bytes on one line of 4012 characters", () => {
    expect(base64DecodedSize(4012, bytes(3009).toString("base64").slice(-1024))).toBe(3009);
  });

  test("without the tail: three quarters of the size as sent", () => {
    expect(base64DecodedSize(4012, "")).toBe(3009);
  });
});

describe("capText", () => {
  test("shorter than the cap: whole, no note; longer: cut, with the real total", () => {
    expect(capText("hello", 100, true)).toEqual({ text: "hello" });
    expect(capText("x".repeat(340_000), 1000, true)).toEqual({ text: "x".repeat(1000), truncated: { shown: 1000, total: 340_000, unit: "chars" } });
  });

  test("a body larger than what was read: the total is a lower bound even when the text fits", () => {
    expect(capText("abc", 100, false)).toEqual({ text: "abc", truncated: { shown: 3, total: 3, unit: "chars", atLeast: true } });
    expect(capText("abcdef", 4, false).truncated).toEqual({ shown: 4, total: 6, unit: "chars", atLeast: true });
  });

  test("never cuts a surrogate pair in half", () => {
    expect(capText("ab😀cd", 3, true)).toEqual({ text: "ab", truncated: { shown: 2, total: 6, unit: "chars" } });
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
