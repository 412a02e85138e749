// Session ids double as file names (memory/sessions/<id>.md), so they are built from a safe,
// readable slug plus a short hash of the exact key: readable in a directory listing, and two
// keys that slug alike ("a:b" and "a-b") still get different sessions.
import { createHash } from "node:crypto";

export function slug(text: string, max = 40): string {
  const s = text.toLowerCase().replace(/[^a-z0-9.]+/g, "-").replace(/^[-.]+|[-.]+$/g, "");
  return s.slice(0, max) || "x";
}

export function sessionId(kind: "dm" | "grp", key: string): string {
  const hash = createHash("sha256").update(`${kind}\0${key}`).digest("hex").slice(0, 6);
  return `${kind}-${slug(key)}-${hash}`;
}
