// Known secret values (the credentials the host attaches to fetch) must never reach the skill
// and must never leave in a request the skill wrote. Matching is on the raw value and its
// URL-encoded form; values shorter than MIN_SECRET_LENGTH are ignored to avoid redacting noise.
import type { HostContext } from "./types.ts";

export const REDACTED = "[REDACTED]";
const MIN_SECRET_LENGTH = 4;

export function secretValues(ctx: HostContext): string[] {
  const out = new Set<string>();
  for (const c of ctx.credentials) {
    if (typeof c.value !== "string" || c.value.length < MIN_SECRET_LENGTH) continue;
    out.add(c.value);
    out.add(encodeURIComponent(c.value));
  }
  // Longest first, so a value containing another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

export function containsSecret(text: string, secrets: string[]): boolean {
  return secrets.some((s) => text.includes(s));
}

export function redactText(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.replaceAll(s, REDACTED);
  return out;
}

/** Byte-exact redaction: latin1 maps every byte to one char, so non-text bodies survive intact. */
export function redactBytes(bytes: Uint8Array, secrets: string[]): Uint8Array {
  if (secrets.length === 0) return bytes;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const latin = secrets.map((s) => Buffer.from(s, "utf8").toString("latin1"));
  if (!latin.some((s) => text.includes(s))) return bytes;
  let out = text;
  for (const s of latin) out = out.replaceAll(s, REDACTED);
  return new Uint8Array(Buffer.from(out, "latin1"));
}

export function bytesContainSecret(bytes: Uint8Array, secrets: string[]): boolean {
  if (secrets.length === 0) return false;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  return secrets.some((s) => text.includes(Buffer.from(s, "utf8").toString("latin1")));
}

// A text cut from a longer one may end in a secret's first characters, or (the kept end of an
// output) begin with its last ones: redaction matches only whole values, so such a piece is
// dropped too, or the two ends of a cut output would spell the secret between them.

/** `text` without a trailing proper prefix of any secret (its end was cut). */
export function dropCutSecretEnd(text: string, secrets: string[]): string {
  let drop = 0;
  for (const s of secrets) {
    for (let k = Math.min(s.length - 1, text.length); k > drop; k--) {
      if (text.endsWith(s.slice(0, k))) {
        drop = k;
        break;
      }
    }
  }
  return drop === 0 ? text : text.slice(0, text.length - drop);
}

/** `text` without a leading proper suffix of any secret (its start was cut). */
export function dropCutSecretStart(text: string, secrets: string[]): string {
  let drop = 0;
  for (const s of secrets) {
    for (let k = Math.min(s.length - 1, text.length); k > drop; k--) {
      if (text.startsWith(s.slice(s.length - k))) {
        drop = k;
        break;
      }
    }
  }
  return text.slice(drop);
}

/** dropCutSecretEnd for bytes (secrets matched as their UTF-8 bytes). */
export function dropCutSecretEndBytes(bytes: Uint8Array, secrets: string[]): Uint8Array {
  if (secrets.length === 0) return bytes;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const kept = dropCutSecretEnd(text, secrets.map((s) => Buffer.from(s, "utf8").toString("latin1")));
  return kept.length === text.length ? bytes : bytes.subarray(0, kept.length);
}
