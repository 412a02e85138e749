// `--audit F` is a path the user typed: when it cannot be the audit log (a folder, a folder that
// cannot be created, no permission), the error names the option, so it is clear what to fix.
import { MoltFailure } from "../../contracts/errors.ts";
import { resolve } from "node:path";

/** `err` reworded to name --audit if it is about the log at `given`; otherwise `err` itself. */
export function auditFlagError(err: unknown, given: string | undefined): unknown {
  if (given === undefined || !(err instanceof MoltFailure) || err.error.code !== "invalid_input") return err;
  const { path, problem } = err.error.details ?? {};
  if (path !== resolve(given) || typeof problem !== "string") return err;
  return new MoltFailure({
    code: "invalid_input",
    message: `--audit ${given}: ${problem}`,
    hint: "give the path of an audit log file (its folder is created if missing), e.g. --audit ./audit.jsonl",
  });
}
