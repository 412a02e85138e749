// The error a main-process service throws. It carries a code (and, for a refused permission,
// the request and decision) so the worker can raise the right thing inside the sandbox.
import type { PermissionDecision, PermissionRequest } from "../contracts/permissions.ts";
import type { ServiceFailure } from "../sandbox/types.ts";

export class ServiceError extends Error implements ServiceFailure {
  constructor(
    message: string,
    readonly code: string = "host_error",
    readonly denial?: { request: PermissionRequest; decision: PermissionDecision },
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

/** The first line of a library's error, clipped: Playwright's messages carry call logs. */
export function firstLine(err: unknown, max = 300): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "unknown error";
  return line.length > max ? line.slice(0, max) + "…" : line;
}
