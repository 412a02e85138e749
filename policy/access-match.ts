// Kinds whose entries are a fixed set of access words, matched exactly:
// - `mail`: `read` (list, read and search the user's mailboxes) and `send` (send mail as the
//   user) — two grants, so a summariser cannot also send;
// - `memory`: `read` (search Moltbot's memory) and `write` (add a fact or a journal note) — so a
//   skill that looks things up cannot also plant notes that steer later conversations.
import { MAIL_ACCESS, MEMORY_ACCESS } from "../runtime/contracts/permissions.ts";

export const ACCESS_WORDS = { mail: MAIL_ACCESS, memory: MEMORY_ACCESS } as const;
export type AccessKind = keyof typeof ACCESS_WORDS;

export function isAccess(kind: AccessKind, text: string): boolean {
  return (ACCESS_WORDS[kind] as readonly string[]).includes(text);
}

/** The "what is expected" part of an error about a bad entry of this kind. */
export function accessExpected(kind: AccessKind): string {
  return `expected ${ACCESS_WORDS[kind].join(" or ")}`;
}
