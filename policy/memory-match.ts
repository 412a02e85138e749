// `memory` entries: `read` (search Moltbot's memory) and `write` (add a fact to the user's
// profile or a note to today's journal). Separate, so a skill that looks things up cannot also
// plant notes that steer later conversations.
import { MEMORY_ACCESS, type MemoryAccess } from "../runtime/contracts/permissions.ts";

export const MEMORY_EXPECTED = `expected ${MEMORY_ACCESS.join(" or ")}`;

export function isMemoryAccess(text: string): text is MemoryAccess {
  return (MEMORY_ACCESS as readonly string[]).includes(text);
}
