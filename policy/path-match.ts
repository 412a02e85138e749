// Path entries for read/write (DESIGN §5): a grant covers itself and everything beneath it, by
// whole components, so "/usr/lib" never covers "/usr/lib64".
import { posix } from "node:path";

export const PATH_EXPECTED = "expected an absolute path starting with / or ~";

export function isValidPathEntry(text: string): boolean {
  if (text === "" || text.includes("\0")) return false;
  return text.startsWith("/") || text === "~" || text.startsWith("~/");
}

/** Expands a leading "~" to home and normalises ("//", ".", "..", trailing "/"). */
export function expandPath(text: string, home: string): string {
  const raw = text === "~" ? home : text.startsWith("~/") ? home + text.slice(1) : text;
  return posix.resolve("/", raw);
}

/**
 * Turns a request value into the path to judge, or null when it must be denied: relative,
 * containing NUL, or not already resolved ("." / ".." components would let a lexical prefix
 * match escape a grant, so they are refused rather than guessed at).
 */
export function requestPath(value: string, home: string): string | null {
  if (value.includes("\0")) return null;
  const abs = value === "~" ? home : value.startsWith("~/") ? home + value.slice(1) : value;
  if (!abs.startsWith("/")) return null;
  if (abs.split("/").some((c) => c === "." || c === "..")) return null;
  return posix.resolve(abs);
}

/** grant ⊇ path, component-wise. Both absolute and normalised. */
export function pathCovers(grant: string, path: string): boolean {
  if (grant === "/") return path.startsWith("/");
  return path === grant || path.startsWith(grant + "/");
}
