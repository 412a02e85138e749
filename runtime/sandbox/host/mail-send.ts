// mail.send: one plain-text message from the configured address (the skill chooses recipients,
// subject and text, never the sender, headers or attachments), over SMTP to the checked address.
// A reply names its parent (inReplyTo) and the parent's thread (references, from mail.read); the
// headers are built here from ids checked one by one, never from the skill's text.
import { addresses, argsOf, msgId, msgIds, str } from "./mail-args.ts";
import { beforeDeadline, checkedServer, timeLeft } from "./mail-server.ts";
import { HostError, type HostContext } from "./types.ts";

export const MAX_SEND_TEXT = 100_000;

export interface SendResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export async function mailSend(ctx: HostContext, raw: unknown): Promise<SendResult> {
  const fn = "mail.send";
  const a = argsOf(fn, raw);
  const to = addresses(fn, a, "to", true);
  const cc = addresses(fn, a, "cc", false);
  const subject = str(fn, a, "subject", { required: true, max: 500 }) as string;
  const text = str(fn, a, "text", { required: true, max: MAX_SEND_TEXT }) as string;
  const inReplyTo = msgId(fn, a, "inReplyTo");
  const thread = msgIds(fn, a, "references");
  if (thread.length > 0 && inReplyTo === undefined) throw new HostError(`${fn}: references needs inReplyTo, the Message-ID of the message replied to`, "invalid_params");
  // RFC 5322 §3.6.4: the parent's References (or In-Reply-To), then the parent's own id.
  const references = inReplyTo === undefined ? undefined : [...new Set([...thread.filter((id) => id !== inReplyTo), inReplyTo])];
  const { ip, servername, server } = await checkedServer(ctx, "send", fn);
  const from = ctx.mail?.smtp?.from;
  if (typeof from !== "string" || from === "") throw new HostError(`${fn}: mail.smtp.from is not configured in config.yaml`, "invalid_config");
  const nodemailer = (await import("nodemailer")).default; // on first use, as imapflow (mail-imap.ts)
  const remaining = timeLeft(ctx, fn);
  const auth = server.user ? { user: server.user, pass: String(server.password ?? "") } : undefined;
  const transport = nodemailer.createTransport({
    host: ip,
    port: server.port,
    secure: server.secure === true,
    auth,
    tls: servername ? { servername } : undefined,
    connectionTimeout: remaining,
    greetingTimeout: remaining,
    socketTimeout: remaining,
    logger: false,
  });
  try {
    const info = await beforeDeadline(fn, remaining, () => transport.close(),
      transport.sendMail({ from, to, cc: cc.length > 0 ? cc : undefined, subject, text, inReplyTo, references }));
    const list = (v: unknown) => (Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : String((x as { address?: string }).address ?? ""))) : []);
    return { messageId: String(info.messageId ?? ""), accepted: list(info.accepted), rejected: list(info.rejected) };
  } catch (err) {
    if (err instanceof HostError) throw err;
    const e = (err ?? {}) as { code?: string; responseCode?: number };
    if (e.code === "EAUTH") throw new HostError(`${fn}: the SMTP server ${server.host} refused the login; check mail.smtp.user/password in config.yaml`, "unauthorized");
    throw new HostError(`${fn}: the SMTP server ${server.host} did not accept the message (${e.responseCode ?? e.code ?? "error"})`, "host_error");
  } finally {
    transport.close();
  }
}
