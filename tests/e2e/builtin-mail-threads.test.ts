// email_read and email_send on mail that belongs to other mail, through the real CLI against a
// real IMAP server (dovecot) and SMTP sink (aiosmtpd): a message forwarded as an attachment
// (Outlook's "Forward as attachment") and a reply deep in a thread, whose References must carry
// the whole thread (RFC 5322 §3.6.4), not only the parent.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT, Sandbox } from "../helpers/cli.ts";
import { type Dovecot, startDovecot } from "../helpers/servers/dovecot.ts";
import { type SmtpSink, startSmtpSink } from "../helpers/servers/smtp-sink.ts";

const PASSWORD = "imap-Secret-4711";
const sb = new Sandbox();
let imap: Dovecot;
let smtp: SmtpSink;
let policy: string;
const uids = new Map<string, number>();

/** The forwarded message as it sits inside the outer one (dovecot stores it with CRLF). */
const INNER = `From: Lawyer <law@example.org>
To: Outlook User <ol@example.com>
Subject: Contract draft
Date: Tue, 24 Nov 2026 09:00:00 +0000
Message-ID: <inner1@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8

INNER TEXT: the lawyer's original message.
--inner
Content-Type: application/pdf; name="contract.pdf"
Content-Disposition: attachment; filename="contract.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQgZmFrZQ==
--inner--
`;

const FORWARD = `From: Outlook User <ol@example.com>
To: Alice <alice@example.com>
Subject: FW: Contract draft
Date: Wed, 25 Nov 2026 10:00:00 +0000
Message-ID: <fwd1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/html; charset="utf-8"

<html><body><p>Hi Alice, see the forwarded mail below. <b>Please sign by Friday.</b></p></body></html>
--outer
Content-Type: message/rfc822
Content-Disposition: attachment; filename="Contract draft.eml"

${INNER}
--outer--
`;

const THREAD = `From: Bob <bob@example.com>
To: Alice <alice@example.com>
Subject: Re: Re: Re: Long thread
Date: Thu, 26 Nov 2026 01:00:00 +0000
Message-ID: <t5@example.com>
In-Reply-To: <t4@example.com>
References: <t1@example.com> <t2@example.com>
 <t3@example.com> <t4@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

> quoted line of an old reply
Agreed, let's go ahead.
`;

/** A reply from a client that writes In-Reply-To but no References. */
const NO_REFERENCES = `From: Dan <dan@example.com>
To: Alice <alice@example.com>
Subject: Re: Lunch
Date: Thu, 26 Nov 2026 02:00:00 +0000
Message-ID: <lunch2@example.com>
In-Reply-To: <lunch1@example.com>
Content-Type: text/plain; charset=utf-8

Noon works.
`;

beforeAll(async () => {
  [imap, smtp] = await Promise.all([startDovecot([{ user: "alice", password: PASSWORD }]), startSmtpSink()]);
  for (const m of [FORWARD, THREAD, NO_REFERENCES]) imap.deliver("alice", m);
  policy = sb.file("policy.yaml", `version: 1
trust:
  allowedWithoutConfirmation: [email_list, email_read]
  requiresConfirmation: [email_send]
skills:
  email_list: { allow: { mail: [read], net: ["127.0.0.1:${imap.port}"] } }
  email_read: { allow: { mail: [read], net: ["127.0.0.1:${imap.port}"] } }
  email_send: { allow: { mail: [send], net: ["127.0.0.1:${smtp.port}"] } }
`);
  sb.config({
    mail: {
      imap: { host: "127.0.0.1", port: imap.port, secure: false, user: "alice", password: PASSWORD },
      smtp: { host: "127.0.0.1", port: smtp.port, secure: false, from: "alice@example.com" },
    },
  });
  const list = await call("email_list", {});
  expect(list.code).toBe(0);
  for (const m of list.json.output.messages as { uid: number; subject: string }[]) uids.set(m.subject, m.uid);
});

afterAll(async () => {
  await Promise.all([imap?.stop(), smtp?.stop()]);
  sb.cleanup();
});

async function call(name: string, params: Record<string, unknown>, flags: string[] = []) {
  const r = await sb.run(["skill", "run", join(ROOT, "skills/builtin", name), "--params", JSON.stringify(params), "--policy", policy, "--json", ...flags]);
  expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  return { ...r, json: JSON.parse(r.stdout || "null") };
}

async function read(subject: string) {
  const r = await call("email_read", { uid: uids.get(subject) });
  if (r.code !== 0) throw new Error(`email_read exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r.json.output;
}

/** A header of a raw message as received, unfolded. */
function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, " ");
  return head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();
}

describe("a message forwarded as an attachment", () => {
  test("the text is the forwarder's note; the forwarded message is one attachment, its own parts none", async () => {
    const out = await read("FW: Contract draft");
    expect(out.text).toBe("Hi Alice, see the forwarded mail below. Please sign by Friday.");
    expect(out.attachments).toEqual([
      {
        name: "Contract draft.eml",
        mime: "message/rfc822",
        size: Buffer.byteLength(INNER.replace(/\n/g, "\r\n")),
        forwarded: { subject: "Contract draft", from: "Lawyer <law@example.org>" },
      },
    ]);
    expect(out.summary).toContain(`\nAttachments: Contract draft.eml (forwarded message "Contract draft" from Lawyer <law@example.org>, ${out.attachments[0].size} bytes)\n`);
    expect(out.summary).toEndWith("\n\nHi Alice, see the forwarded mail below. Please sign by Friday.");
    expect(JSON.stringify(out)).not.toContain("INNER TEXT");
    expect(JSON.stringify(out)).not.toContain("contract.pdf");
  });
});

describe("replying in a thread", () => {
  test("email_read gives the thread; email_send's References is the thread then the parent", async () => {
    const parent = await read("Re: Re: Re: Long thread");
    expect(parent.messageId).toBe("<t5@example.com>");
    expect(parent.references).toEqual(["<t1@example.com>", "<t2@example.com>", "<t3@example.com>", "<t4@example.com>"]);

    const before = smtp.messages().length;
    const r = await call("email_send", {
      to: ["bob@example.com"],
      subject: "Re: Long thread",
      text: "Thanks, Bob.",
      in_reply_to: parent.messageId,
      references: parent.references,
    }, ["--yes"]);
    expect(r.code).toBe(0);
    const sent = smtp.messages().slice(before);
    expect(sent).toHaveLength(1);
    expect(header(sent[0]!, "In-Reply-To")).toBe("<t5@example.com>");
    expect(header(sent[0]!, "References")).toBe("<t1@example.com> <t2@example.com> <t3@example.com> <t4@example.com> <t5@example.com>");
  });

  test("a parent without References: its In-Reply-To starts the thread", async () => {
    const parent = await read("Re: Lunch");
    expect(parent.references).toEqual(["<lunch1@example.com>"]);
    const before = smtp.messages().length;
    const r = await call("email_send", {
      to: ["dan@example.com"],
      subject: "Re: Lunch",
      text: "See you.",
      in_reply_to: "lunch2@example.com",
      references: parent.references,
    }, ["--yes"]);
    expect(r.code).toBe(0);
    const [sent] = smtp.messages().slice(before);
    expect(header(sent!, "In-Reply-To")).toBe("<lunch2@example.com>");
    expect(header(sent!, "References")).toBe("<lunch1@example.com> <lunch2@example.com>");
  });

  test("references that are not Message-IDs, or without in_reply_to, are refused before anything is sent", async () => {
    const before = smtp.messages().length;
    const base = { to: ["bob@example.com"], subject: "x", text: "y" };
    for (const [params, message] of [
      [{ ...base, in_reply_to: "<t5@example.com>", references: ["<t1@example.com>\r\nBcc: eve@example.com"] }, "mail.send: references[0] must be a Message-ID"],
      [{ ...base, in_reply_to: "<t5@example.com>", references: ["<t1@example.com> <t2@example.com>"] }, "mail.send: references[0] must be a Message-ID"],
      [{ ...base, in_reply_to: "<t5@example.com>\r\nBcc: eve@example.com" }, "mail.send: inReplyTo must be one line"],
      [{ ...base, references: ["<t1@example.com>"] }, "mail.send: references needs inReplyTo"],
    ] as const) {
      const r = await call("email_send", params, ["--yes"]);
      expect(r.code).not.toBe(0);
      expect(r.json.error.message).toContain(message);
    }
    expect(smtp.messages()).toHaveLength(before);
  });
});
