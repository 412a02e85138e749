// email_read through the real CLI against a real IMAP server (dovecot) on bodies as mail really
// arrives: HTML newsletters with a large <head>, long texts, 8-bit bodies in legacy charsets and
// base64 attachments. Messages go into the Maildir as raw bytes, so a body in windows-1251 is
// stored in windows-1251 (the helper's deliver() writes a JS string, i.e. UTF-8).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, Sandbox } from "../helpers/cli.ts";
import { type Dovecot, startDovecot } from "../helpers/servers/dovecot.ts";

const PASSWORD = "imap-Secret-5432";
const sb = new Sandbox();
let imap: Dovecot;
let policy: string;
const uids = new Map<string, number>();

/** Puts raw bytes into alice's INBOX: deliver() makes the file (and owner, as root), the bytes replace it. */
function deliverBytes(head: string, body: Buffer | string): void {
  const dir = join(imap.dir, "mail", "alice", "Maildir", "new");
  const before = new Set(safeList(dir));
  imap.deliver("alice", "Subject: placeholder\n\nx\n");
  const [made] = safeList(dir).filter((f) => !before.has(f));
  const bytes = Buffer.concat([Buffer.from(head.replace(/\r?\n/g, "\r\n")), Buffer.from("\r\n"), typeof body === "string" ? Buffer.from(body) : body]);
  writeFileSync(join(dir, made!), bytes);
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const headers = (subject: string, contentType: string, extra = "") =>
  `From: Shop <shop@example.com>\nTo: alice@example.com\nSubject: ${subject}\nDate: ${new Date().toUTCString()}\nMIME-Version: 1.0\nContent-Type: ${contentType}\n${extra}`;

/** A single-byte charset's encoder, built by inverting the platform's decoder. */
function encodeSingleByte(text: string, charset: string): Buffer {
  const decoded = new TextDecoder(charset as ConstructorParameters<typeof TextDecoder>[0]).decode(Uint8Array.from({ length: 256 }, (_, i) => i));
  const byChar = new Map([...decoded].map((ch, i) => [ch, i]));
  return Buffer.from([...text].map((ch) => {
    const b = byChar.get(ch);
    if (b === undefined) throw new Error(`${ch} is not in ${charset}`);
    return b;
  }));
}

const crlf = (s: string) => s.replace(/\r?\n/g, "\r\n");
const NEWSLETTER = `<html><head><style>${"td{padding:0}".repeat(8000)}</style></head><body><p>Your order #1234 has shipped. Track it here.</p></body></html>`;
/** 3400 lines of 99 characters and a newline: 340,000 characters. */
const LONG = Array.from({ length: 3400 }, (_, i) => `${String(i).padStart(4, "0")} ${"abcdefghij".repeat(10).slice(0, 94)}\n`).join("");
const CYRILLIC = "Привет, мир! ".repeat(12_000); // 156,000 characters, 2 bytes each but the spaces and punctuation
/** A body beyond the 4 MiB that is read: 5 MiB of text in lines. */
const HUGE = `${"x".repeat(1023)}\n`.repeat(5 * 1024);
const pdf = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 3) % 256));
const wrap76 = (b64: string) => b64.replace(/.{76}/g, "$&\n");
const SHIFT_JIS_HELLO = Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]); // こんにちは

beforeAll(async () => {
  imap = await startDovecot([{ user: "alice", password: PASSWORD }]);
  const add = (subject: string, contentType: string, body: Buffer | string, extra = "") => deliverBytes(headers(subject, contentType, extra), body);
  add("newsletter", "text/html; charset=utf-8", crlf(NEWSLETTER));
  add("long", "text/plain; charset=utf-8", crlf(LONG));
  add("cyrillic long", "text/plain; charset=utf-8", crlf(CYRILLIC), "Content-Transfer-Encoding: 8bit\n");
  add("huge", "text/plain; charset=utf-8", crlf(HUGE));
  add("huge html", "text/html; charset=utf-8", crlf(`<html><head><style>${"td{padding:0}".repeat(400_000)}</style></head><body><p>Never reached.</p></body></html>`));
  const eightBit = "Content-Transfer-Encoding: 8bit\n";
  add("cp1251", "text/plain; charset=windows-1251", encodeSingleByte("Привет, мир!\r\n", "windows-1251"), eightBit);
  add("koi8", "text/plain; charset=koi8-r", encodeSingleByte("Привет, мир!\r\n", "koi8-r"), eightBit);
  add("latin1", "text/plain; charset=iso-8859-1", encodeSingleByte("Grüße aus München\r\n", "iso-8859-1"), eightBit);
  add("latin1 quoted", 'text/plain; charset="ISO-8859-1"', encodeSingleByte("Grüße aus München\r\n", "iso-8859-1"), "Content-Transfer-Encoding: 8BIT\n");
  add("cp1251 html", "text/html; charset=windows-1251", encodeSingleByte("<html><body><p>Привет, мир!</p></body></html>\r\n", "windows-1251"), eightBit);
  add("cp1251 binary", "text/plain; charset=windows-1251", encodeSingleByte("Привет, мир!\r\n", "windows-1251"), "Content-Transfer-Encoding: binary\n");
  add("sjis", "text/plain; charset=shift_jis", Buffer.concat([SHIFT_JIS_HELLO, Buffer.from("\r\n")]), eightBit);
  add("cp1251 base64", "text/plain; charset=windows-1251", `${encodeSingleByte("Привет, мир!", "windows-1251").toString("base64")}\r\n`, "Content-Transfer-Encoding: base64\n");
  add("unknown charset", "text/plain; charset=x-no-such-charset", "Grüße aus München\r\n", eightBit);
  add("cp1251 multipart", "multipart/alternative; boundary=b1", Buffer.concat([
    Buffer.from(crlf("--b1\nContent-Type: text/plain; charset=windows-1251\nContent-Transfer-Encoding: 8bit\n\n")),
    encodeSingleByte("Привет, мир!", "windows-1251"),
    Buffer.from(crlf("\n--b1\nContent-Type: text/html; charset=windows-1251\n\n<p>x</p>\n--b1--\n")),
  ]));
  const attach = (name: string, base64: string) =>
    crlf(`--b1\nContent-Type: application/pdf; name=${name}\nContent-Disposition: attachment; filename=${name}\nContent-Transfer-Encoding: base64\n\n${base64}\n`);
  add("invoice", "multipart/mixed; boundary=b1", [
    crlf("--b1\nContent-Type: text/plain; charset=utf-8\n\nSee the attached invoices.\n"),
    attach("one-line.pdf", pdf(3009).toString("base64")),
    attach("wrapped.pdf", wrap76(pdf(3009).toString("base64"))),
    attach("padded.pdf", wrap76(pdf(3010).toString("base64"))),
    attach("padded2.pdf", wrap76(pdf(100_001).toString("base64"))),
    attach("tiny.pdf", pdf(1).toString("base64")),
    crlf("--b1\nContent-Type: text/csv; name=plain.csv\nContent-Disposition: attachment; filename=plain.csv\n\na,b\n1,2\n"),
    "--b1--\r\n",
  ].join(""));

  policy = sb.file("policy.yaml", `version: 1
trust:
  allowedWithoutConfirmation: [email_list, email_read]
skills:
  email_list: { allow: { mail: [read], net: ["127.0.0.1:${imap.port}"] } }
  email_read: { allow: { mail: [read], net: ["127.0.0.1:${imap.port}"] } }
`);
  sb.config({ mail: { imap: { host: "127.0.0.1", port: imap.port, secure: false, user: "alice", password: PASSWORD } } });
  const found = await call("email_list", { limit: 100 });
  for (const m of found.output.messages as { uid: number; subject: string }[]) uids.set(m.subject, m.uid);
});

afterAll(async () => {
  await imap?.stop();
  sb.cleanup();
});

async function call(name: string, params: Record<string, unknown>) {
  const r = await sb.run(["skill", "run", join(ROOT, "skills/builtin", name), "--params", JSON.stringify(params), "--policy", policy, "--json"]);
  expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  const json = JSON.parse(r.stdout || "null");
  if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stdout}${r.stderr}\n${imap.log().slice(-2000)}`);
  return json;
}

async function read(subject: string, extra: Record<string, unknown> = {}) {
  const uid = uids.get(subject);
  if (uid === undefined) throw new Error(`no message "${subject}" (have ${[...uids.keys()].join(", ")})`);
  return (await call("email_read", { uid, ...extra })).output;
}

describe("HTML with a large <head>", () => {
  test("the text after 104 KB of styles is read, not cut away before the conversion", async () => {
    const out = await read("newsletter");
    expect(out.text).toBe("Your order #1234 has shipped. Track it here.");
    expect(out.truncated).toBeUndefined();
    expect(out.note).toBeUndefined();
    expect(out.summary).toEndWith("\n\nYour order #1234 has shipped. Track it here.");
    const small = await read("newsletter", { max_chars: 100 });
    expect(small.text).toBe("Your order #1234 has shipped. Track it here.");
  });

  test("an HTML body beyond what is read says so instead of returning nothing silently", async () => {
    const out = await read("huge html");
    expect(out.text).toBe("");
    expect(out.note).toContain("only its first 4 MiB were read");
    expect(out.truncated).toEqual({ shown: 0, total: 0, unit: "chars", atLeast: true });
  });
});

describe("truncation reports the body's real length", () => {
  test("a 340,000-character text: shown is max_chars, total is 340,000", async () => {
    const small = await read("long", { max_chars: 1000 });
    expect(small.text).toBe(LONG.slice(0, 1000));
    expect(small.truncated).toEqual({ shown: 1000, total: 340_000, unit: "chars" });
    expect(small.summary).toContain("[Text cut: the first 1000 of 340000 characters are shown]");
    const dflt = await read("long");
    expect(dflt.text).toBe(LONG.slice(0, 20_000));
    expect(dflt.truncated).toEqual({ shown: 20_000, total: 340_000, unit: "chars" });
  });

  test("characters, not bytes, for a text in two-byte characters", async () => {
    const out = await read("cyrillic long", { max_chars: 1000 });
    expect(out.text).toBe(CYRILLIC.slice(0, 1000));
    expect(out.truncated).toEqual({ shown: 1000, total: CYRILLIC.length, unit: "chars" });
  });

  test("a body larger than what is read: total is a lower bound, and a note says how large it is", async () => {
    const out = await read("huge", { max_chars: 500 });
    expect(out.text).toBe(HUGE.slice(0, 500));
    // The first 4 MiB as stored: lines of 1023 characters and CRLF, each CRLF read as one "\n".
    const read4MiB = 4 * 1024 * 1024 - Math.floor((4 * 1024 * 1024) / 1025);
    expect(out.truncated).toEqual({ shown: 500, total: read4MiB, unit: "chars", atLeast: true });
    expect(out.note).toMatch(/^The body is 5\.\d MB as sent; only its first 4 MiB were read\.$/);
    expect(out.summary).toContain(`[Text cut: the first 500 of more than ${read4MiB} characters are shown]`);
    expect(out.summary).toContain("[The body is 5.");
  });
});

describe("8-bit bodies in their declared charset", () => {
  test.each([
    ["cp1251", "Привет, мир!\n"],
    ["koi8", "Привет, мир!\n"],
    ["latin1", "Grüße aus München\n"],
    ["latin1 quoted", "Grüße aus München\n"],
    ["cp1251 binary", "Привет, мир!\n"],
    ["sjis", "こんにちは\n"],
    ["cp1251 base64", "Привет, мир!"],
    ["cp1251 multipart", "Привет, мир!"],
    ["cp1251 html", "Привет, мир!"],
  ])("%s", async (subject, text) => {
    const out = await read(subject);
    expect(out.text).toBe(text);
    expect(out.note).toBeUndefined();
  });

  test("an unknown charset is read as UTF-8, with a note", async () => {
    const out = await read("unknown charset");
    expect(out.text).toBe("Grüße aus München\n");
    expect(out.note).toBe('The body\'s charset "x-no-such-charset" is unknown; it was read as UTF-8.');
  });
});

describe("attachment sizes", () => {
  test("decoded bytes, whether the base64 is on one line or wrapped, padded or not", async () => {
    const out = await read("invoice");
    expect(out.text).toBe("See the attached invoices.");
    expect(out.attachments).toEqual([
      { name: "one-line.pdf", mime: "application/pdf", size: 3009 },
      { name: "wrapped.pdf", mime: "application/pdf", size: 3009 },
      { name: "padded.pdf", mime: "application/pdf", size: 3010 },
      { name: "padded2.pdf", mime: "application/pdf", size: 100_001 },
      { name: "tiny.pdf", mime: "application/pdf", size: 1 },
      { name: "plain.csv", mime: "text/csv", size: 8 },
    ]);
    expect(out.summary).toContain("Attachments: one-line.pdf (3009 bytes), wrapped.pdf (3009 bytes)");
  });
});

test("the fixtures say what they claim", () => {
  expect(NEWSLETTER.length).toBeGreaterThan(104_000);
  expect(LONG.length).toBe(340_000);
  expect(new TextDecoder("shift_jis" as "utf-8").decode(SHIFT_JIS_HELLO)).toBe("こんにちは");
  expect(new TextDecoder("koi8-r" as "utf-8").decode(encodeSingleByte("Привет", "koi8-r"))).toBe("Привет");
});
