// Command entries for run (DESIGN §5): a bare name means the command of that name found
// through the host's PATH; an absolute path means exactly that file.
import { posix } from "node:path";

export const RUN_EXPECTED = "expected a command name (git) or an absolute path (/usr/bin/git)";

const NAME = /^[A-Za-z0-9._+-]+$/;

export function isValidRunEntry(text: string): boolean {
  if (text.includes("\0")) return false;
  if (text.startsWith("/")) return text.length > 1 && !text.endsWith("/");
  return NAME.test(text) && text !== "." && text !== "..";
}

/** What is being run: the command as the skill wrote it and, when known, its resolved path. */
export interface RunRequest {
  name: string;
  resolvedPath?: string;
}

/**
 * Allow semantics: a name grant admits the name as written (the sandbox resolves names through
 * the host's PATH); a path grant admits that path, as written or as resolved.
 */
export function runAllows(entry: string, r: RunRequest): boolean {
  if (entry.startsWith("/")) return r.name === entry || r.resolvedPath === entry;
  return r.name === entry;
}

/** Deny semantics: a name deny also blocks any path whose file name is that name. */
export function runDenies(entry: string, r: RunRequest): boolean {
  if (runAllows(entry, r)) return true;
  if (entry.startsWith("/")) return false;
  return posix.basename(r.name) === entry || (r.resolvedPath !== undefined && posix.basename(r.resolvedPath) === entry);
}

export function isValidRunRequest(r: RunRequest): boolean {
  if (!isValidRunEntry(r.name)) return false;
  return r.resolvedPath === undefined || (r.resolvedPath.startsWith("/") && !r.resolvedPath.includes("\0"));
}
