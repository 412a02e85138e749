import { describe, expect, test } from "bun:test";
import type { MessageStructureObject } from "imapflow";
import { addresses, date, msgId, msgIds } from "./mail-args.ts";
import { base64DecodedSize, capText, planBody, threadOf } from "./mail-body.ts";

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

describe("a message forwarded as an attachment (message/rfc822)", () => {
  // As imapflow hands over Outlook's "forward as attachment": the forwarded message's own parts
  // are children of the message/rfc822 part.
  const forwarded = (extra: Partial<MessageStructureObject> = {}) =>
    node("multipart/mixed", {
      childNodes: [
        node("text/html", { part: "1", size: 104 }),
        node("message/rfc822", {
          part: "2",
          size: 612,
          encoding: "7bit",
          disposition: "attachment",
          dispositionParameters: { filename: "Contract draft.eml" },
          envelope: { subject: "Contract draft", from: [{ name: "Lawyer", address: "law@example.org" }] },
          childNodes: [
            node("multipart/mixed", {
              part: "2",
              childNodes: [
                node("text/plain", { part: "2.1", size: 43 }),
                node("application/pdf", { part: "2.2", size: 20, encoding: "base64", disposition: "attachment", dispositionParameters: { filename: "contract.pdf" } }),
              ],
            }),
          ],
          ...extra,
        }),
      ],
    });

  test("the outer note is the text; the forwarded message is one attachment, its parts none", () => {
    expect(planBody(forwarded())).toEqual({
      textPart: "1",
      html: true,
      textSize: 104,
      attachments: [{ name: "Contract draft.eml", mime: "message/rfc822", size: 612, forwarded: { subject: "Contract draft", from: "Lawyer <law@example.org>" } }],
      base64: [],
    });
  });

  test("without a file name or an envelope; sent in base64 its size is corrected as any other", () => {
    const plan = planBody(forwarded({ disposition: "inline", dispositionParameters: undefined, envelope: undefined, encoding: "base64" }));
    expect(plan.attachments).toEqual([{ name: "(unnamed)", mime: "message/rfc822", size: 612 }]);
    expect(plan.base64).toEqual([{ index: 0, part: "2", size: 612 }]);
  });

  test("a message that is nothing but a forwarded one has no text of its own", () => {
    const only = node("multipart/mixed", { childNodes: [node("message/global", { part: "1", size: 50, childNodes: [node("text/plain", { part: "1" })] })] });
    expect(planBody(only)).toMatchObject({ textPart: undefined, attachments: [{ name: "(unnamed)", mime: "message/global", size: 50 }] });
  });
});

describe("threadOf", () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `<t${i + 1}@example.com>`);

  test("the References ids, oldest first, across folded lines; else the single In-Reply-To", () => {
    expect(threadOf("References: <t1@example.com> <t2@example.com>\r\n <t3@example.com>\r\n\t<t4@example.com>\r\n\r\n", "<t4@example.com>")).toEqual(ids(4));
    expect(threadOf("\r\n", "<t4@example.com>")).toEqual(["<t4@example.com>"]);
    expect(threadOf("", "<a@x> <b@y>")).toEqual([]);
    expect(threadOf("", undefined)).toEqual([]);
  });

  test("only ids mail.send accepts, each once; a long thread keeps its first and newest 49", () => {
    expect(threadOf("References: <t1@example.com> <no-at-sign> <t1@example.com> <\u00e9@x.y> <t2@example.com>", undefined)).toEqual(ids(2));
    expect(threadOf(`References: <${"a".repeat(600)}@x.y> <t1@example.com>`, undefined)).toEqual(ids(1));
    const thread = threadOf(`References: ${ids(80).join(" ")}`, undefined);
    expect(thread).toEqual([ids(80)[0]!, ...ids(80).slice(31)]);
    expect(thread).toHaveLength(50);
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

  test("Message-IDs: <left@right> one by one, never header syntax", () => {
    expect(msgId("f", { inReplyTo: "<t5@example.com>" }, "inReplyTo")).toBe("<t5@example.com>");
    expect(msgId("f", { inReplyTo: "t5@example.com" }, "inReplyTo")).toBe("<t5@example.com>");
    expect(msgId("f", {}, "inReplyTo")).toBeUndefined();
    for (const bad of ["<t5@example.com> <t6@example.com>", "<t5>", "<a@b>\r\nBcc: eve@example.com", "<a@b>x", "<<a@b>>"]) {
      expect(() => msgId("mail.send", { inReplyTo: bad }, "inReplyTo")).toThrow("mail.send: inReplyTo must");
    }
    const refs = ["<t1@example.com>", "<t2@example.com>"];
    expect(msgIds("f", { references: refs }, "references")).toEqual(refs);
    expect(msgIds("f", {}, "references")).toEqual([]);
    expect(() => msgIds("mail.send", { references: "<t1@example.com>" }, "references")).toThrow("references must be a list of at most 50 Message-IDs");
    expect(() => msgIds("mail.send", { references: Array(51).fill("<a@b>") }, "references")).toThrow("at most 50");
    for (const bad of ["<a@b>\r\nBcc: eve@example.com", "<a@b>\n <c@d>", "a@b", "<a b@c>", `<${"a".repeat(500)}@b>`, "<ü@b>"]) {
      expect(() => msgIds("mail.send", { references: ["<ok@x>", bad] }, "references")).toThrow("mail.send: references[1] must be a Message-ID");
    }
  });

  test("dates", () => {
    expect(date("f", { since: "2026-01-28" }, "since")?.toISOString()).toBe("2026-01-28T00:00:00.000Z");
    expect(() => date("mail.list", { since: "last week" }, "since")).toThrow("since must be a date");
  });
});
