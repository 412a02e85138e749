// Where each kind of memory lives under the root, and how ids become file names. Ids come from
// chat platforms ("telegram:123", "matrix:@bob:example.org") and from models, so they are
// percent-encoded: the mapping is reversible, a name can never hold "/" or start with "." (so
// no "..", no hidden files, no clash with our own dotfiles: the index, temp files, locks).
import { join } from "node:path";
import { fail } from "../runtime/contracts/errors.ts";

export const KINDS = ["users", "daily", "sessions", "notes"] as const;
export type Kind = (typeof KINDS)[number];

// Most file systems cap a name at 255 bytes; leave room for ".md" and temp/lock decorations.
const MAX_NAME = 180;
const PLAIN = /[A-Za-z0-9_.-]/;

/** "telegram:123" → "telegram%3A123". Throws invalid_input for an empty or over-long id. */
export function encodeId(id: string, what = "id"): string {
  if (typeof id !== "string" || id.length === 0) fail("invalid_input", `memory: ${what} is empty`, `give a non-empty ${what}`);
  let out = "";
  for (const ch of id) {
    if (PLAIN.test(ch) && !(out === "" && ch === ".")) out += ch;
    else for (const byte of new TextEncoder().encode(ch)) out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  if (out.length > MAX_NAME) fail("invalid_input", `memory: ${what} is too long (${id.length} characters)`, `use a ${what} under ~60 characters`);
  return out;
}

/** The inverse of encodeId; null for a name encodeId would not have produced (hand-made files). */
export function decodeId(name: string): string | null {
  try {
    const id = decodeURIComponent(name);
    return id.length > 0 && encodeId(id) === name ? id : null;
  } catch {
    return null;
  }
}

export function isoDate(d: Date): string {
  // The user's local calendar day: a note written at 00:30 belongs to the day they are living.
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export const layout = (root: string) => ({
  root,
  profile: (user: string) => join(root, "users", encodeId(user, "user id") + ".md"),
  daily: (date: Date) => join(root, "daily", isoDate(date) + ".md"),
  session: (session: string) => join(root, "sessions", encodeId(session, "session id") + ".md"),
  note: (name: string) => join(root, "notes", encodeId(name, "note name") + ".md"),
});

/** "users/telegram%3A123.md" → { kind: "users", id: "telegram:123" }; null for other paths. */
export function classify(rel: string): { kind: Kind; id: string } | null {
  const m = /^([a-z]+)\/([^/]+)\.md$/.exec(rel.split("\\").join("/"));
  if (!m || !(KINDS as readonly string[]).includes(m[1]!)) return null;
  const id = m[1] === "daily" ? m[2]! : decodeId(m[2]!);
  return id === null ? null : { kind: m[1] as Kind, id };
}
