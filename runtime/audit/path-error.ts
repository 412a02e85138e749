// An audit log path that cannot be used (a folder, a folder that cannot be created, no
// permission) is the user's to fix: an `invalid_input` naming the path and the problem, with
// both in `details` so a command can say which of its options gave the path.
import { fail } from "../contracts/errors.ts";

const PROBLEMS: Record<string, string> = {
  EISDIR: "is a folder, not a file",
  ENOTDIR: "part of the path is a file, not a folder",
  EEXIST: "part of the path is a file, not a folder", // from mkdir -p over a file
  ENOENT: "its folder does not exist and cannot be created",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "is on a read-only file system",
  ENAMETOOLONG: "the path is too long",
  ELOOP: "too many symbolic links in the path",
};

/** Rethrows `err` as a user error if it is one of the path problems above, else unchanged. */
export function auditPathFailure(err: unknown, path: string): never {
  const problem = PROBLEMS[(err as NodeJS.ErrnoException)?.code ?? ""];
  if (problem === undefined) throw err;
  failAuditPath(path, problem);
}

export function failAuditPath(path: string, problem: string): never {
  fail("invalid_input", `audit log ${path}: ${problem}`, "give the path of an audit log file, e.g. ~/.moltbot/audit.jsonl", { path, problem });
}
