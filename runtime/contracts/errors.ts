// Errors are values at every boundary (DESIGN §2). A MoltError is plain data so it can cross
// worker, WebSocket and process boundaries unchanged; MoltFailure carries one through a throw
// inside our own code, where a value would have to be threaded through many frames.

export const ERROR_CODES = [
  "permission_denied",
  "forbidden",
  "confirmation_required",
  "confirmation_rejected",
  "invalid_manifest",
  "invalid_params",
  "invalid_policy",
  "invalid_config",
  "invalid_input",
  "timeout",
  "step_limit",
  "cancelled",
  "memory_limit",
  "output_limit",
  "skill_error",
  "not_found",
  "unauthorized",
  "rate_limited",
  "provider_error",
  "channel_error",
  "audit_invalid",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface MoltError {
  code: ErrorCode;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export class MoltFailure extends Error {
  readonly error: MoltError;
  constructor(error: MoltError) {
    super(error.message);
    this.name = "MoltFailure";
    this.error = error;
  }
}

export function moltError(code: ErrorCode, message: string, hint?: string, details?: Record<string, unknown>): MoltError {
  const e: MoltError = { code, message };
  if (hint !== undefined) e.hint = hint;
  if (details !== undefined) e.details = details;
  return e;
}

export function fail(code: ErrorCode, message: string, hint?: string, details?: Record<string, unknown>): never {
  throw new MoltFailure(moltError(code, message, hint, details));
}

/** Exit codes of DESIGN §11, shared by every command. */
export const EXIT = { ok: 0, runtime: 1, input: 2, denied: 3, confirmation: 4, limit: 5 } as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case "invalid_manifest":
    case "invalid_params":
    case "invalid_policy":
    case "invalid_config":
    case "invalid_input":
    case "not_found":
      return EXIT.input;
    case "permission_denied":
    case "forbidden":
    case "unauthorized":
      return EXIT.denied;
    case "confirmation_required":
    case "confirmation_rejected":
      return EXIT.confirmation;
    case "timeout":
    case "step_limit":
    case "memory_limit":
    case "output_limit":
      return EXIT.limit;
    default:
      return EXIT.runtime;
  }
}

/** Turns anything thrown into a MoltError; unknown throwables become `internal`. */
export function toMoltError(err: unknown): MoltError {
  if (err instanceof MoltFailure) return err.error;
  if (isMoltError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return moltError("internal", message);
}

export function isMoltError(v: unknown): v is MoltError {
  return (
    typeof v === "object" && v !== null &&
    typeof (v as MoltError).code === "string" &&
    (ERROR_CODES as readonly string[]).includes((v as MoltError).code) &&
    typeof (v as MoltError).message === "string"
  );
}
