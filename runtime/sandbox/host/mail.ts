// HOST_API.mail: list/read/search (needs `mail: read`) and send (needs `mail: send`), each also
// checking the configured server against `net`. The account's password never reaches the
// skill: nothing returns it, and every result is scanned for it (and the login) as a last guard.
import { mailList, mailRead, mailSearch } from "./mail-read.ts";
import { mailSend } from "./mail-send.ts";
import { denyWith } from "./guard.ts";
import { dropCutSecretEnd, REDACTED } from "./redact.ts";
import type { HostContext, HostFn } from "./types.ts";

const MIN_SECRET = 4;

function mailSecrets(ctx: HostContext): string[] {
  const out = new Set<string>();
  for (const s of [ctx.mail?.imap, ctx.mail?.smtp]) {
    if (typeof s?.password === "string" && s.password.length >= MIN_SECRET) out.add(s.password);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Replaces every known secret in every string of a plain-data result. */
export function redactDeep<T>(value: T, secrets: string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return secrets.reduce((s, x) => s.replaceAll(x, REDACTED), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** `f` with the account's secrets (found once per call) scrubbed from what it returns or throws. */
const guarded = (f: (ctx: HostContext, arg: unknown, secrets: string[]) => Promise<unknown>): HostFn =>
  async (ctx, [arg]) => {
    const secrets = mailSecrets(ctx);
    try {
      return redactDeep(await f(ctx, arg, secrets), secrets);
    } catch (err) {
      if (err instanceof Error && secrets.some((s) => err.message.includes(s))) err.message = redactDeep(err.message, secrets);
      throw err;
    }
  };

/** A body cut at maxChars may end in part of the password: that part is cut too. */
async function mailReadCut(ctx: HostContext, arg: unknown, secrets: string[]): Promise<unknown> {
  const r = (await mailRead(ctx, arg)) as { text?: unknown; truncated?: unknown };
  if (r.truncated && typeof r.text === "string") r.text = dropCutSecretEnd(r.text, secrets);
  return r;
}

export const MAIL = {
  list: guarded(mailList),
  read: guarded(mailReadCut),
  search: guarded(mailSearch),
  send: guarded(async (ctx, arg, secrets) => {
    // The skill never learns the password; if it did anyway, it must not mail it out.
    const text = JSON.stringify(arg ?? null);
    if (secrets.some((s) => text.includes(s))) {
      denyWith(ctx, { kind: "mail", value: "send" }, { decision: "deny", rule: "credentials", reason: "mail.send: the message contains a credential value" });
    }
    return mailSend(ctx, arg);
  }),
} satisfies Record<string, HostFn>;
