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

/**
 * What is being run: the command as the skill wrote it and, when known, the path it resolved
 * to (the file started, whose file name is the name it is started under) and that path's real
 * path (every symbolic link resolved).
 */
export interface RunRequest {
  name: string;
  resolvedPath?: string;
  realPath?: string;
}

/**
 * An entry: its text, or its forms (the text and, for an absolute path in a loaded policy, the
 * real path load-policy.ts found for it). Paths are compared as text in every form, so /bin/sh
 * and /usr/bin/sh meet when /bin is a link to /usr/bin, in the entry or in the request.
 */
export type RunEntry = string | readonly string[];

const formsOf = (entry: RunEntry): readonly string[] => (typeof entry === "string" ? [entry] : entry);

/** The paths a request names: as written, as resolved, and its real path. */
function requestPaths(r: RunRequest): string[] {
  const out: string[] = [];
  for (const p of [r.name, r.resolvedPath, r.realPath]) if (p !== undefined && p.startsWith("/") && !out.includes(p)) out.push(p);
  return out;
}

/**
 * Allow semantics: a name grant admits the name as written (the sandbox resolves names through
 * the host's PATH); a path grant admits that path, as written or as resolved, and another path
 * to the same real file only when it is started under the granted file name: a multi-call
 * program (busybox) acts by the name it is started as, so a grant of /usr/bin/ls that links to
 * busybox must not admit busybox as `sh`.
 */
export function runAllows(entry: RunEntry, r: RunRequest): boolean {
  const [text, ...real] = formsOf(entry);
  if (text === undefined) return false;
  if (!text.startsWith("/")) return r.name === text;
  if (r.name === text || r.resolvedPath === text) return true;
  const started = r.resolvedPath ?? (r.name.startsWith("/") ? r.name : undefined);
  if (started === undefined || posix.basename(started) !== posix.basename(text)) return false;
  const forms = [text, ...real];
  return [started, r.realPath].some((p) => p !== undefined && forms.includes(p));
}

/**
 * Deny semantics, broad: a path deny matches the request's path as written, as resolved or
 * real against the entry as written or real; a name deny also blocks any of those paths whose
 * file name is that name.
 */
export function runDenies(entry: RunEntry, r: RunRequest): boolean {
  const forms = formsOf(entry);
  const text = forms[0];
  if (text === undefined) return true; // no entry to compare: fail closed
  if (r.name === text) return true;
  const paths = requestPaths(r);
  if (text.startsWith("/")) return paths.some((p) => forms.includes(p));
  return paths.some((p) => posix.basename(p) === text);
}

export function isValidRunRequest(r: RunRequest): boolean {
  if (!isValidRunEntry(r.name)) return false;
  const isPath = (p: string | undefined) => p === undefined || (p.startsWith("/") && !p.includes("\0"));
  return isPath(r.resolvedPath) && isPath(r.realPath);
}
