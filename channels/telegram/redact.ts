// grammy puts the bot token in every request URL (`/bot<token>/<method>`), and fetch errors
// quote the URL: every line that leaves this folder goes through `safeMessage`.

/** `err`'s message (and its cause's, which carries the network reason) with the token cut out. */
export function safeMessage(err: unknown, token: string): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 3; depth++) {
    const msg = e instanceof Error ? e.message : typeof e === "string" ? e : "";
    if (msg && !parts.includes(msg)) parts.push(msg.split("\n")[0] as string);
    e = (e as { error?: unknown; cause?: unknown }).error ?? (e as { cause?: unknown }).cause;
  }
  return redact(parts.join(": ") || String(err), token);
}

export function redact(text: string, token: string): string {
  if (!token) return text;
  let out = text.split(token).join("<token>");
  // The secret half alone is the sensitive part; the numeric bot id before ':' is public.
  const secret = token.slice(token.indexOf(":") + 1);
  if (secret.length >= 8) out = out.split(secret).join("<token>");
  return out;
}
