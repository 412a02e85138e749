// The contract between whoever runs a skill (CLI, agent loop, a node) and the sandbox.
import type { MoltError } from "./errors.ts";
import type { PermissionDecision, PermissionRequest } from "./permissions.ts";

export interface SandboxLimits {
  timeoutMs: number;
  memoryBytes: number;
  stackBytes: number;
  outputBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMs: 5_000,
  memoryBytes: 64 * 1024 * 1024,
  stackBytes: 1024 * 1024,
  outputBytes: 1024 * 1024,
};

/** A permission denial recorded during a call (for the audit's `denials`). */
export interface DenialRecord {
  kind: string;
  value?: string;
  rule: string;
  caught: boolean;
  /** How many denials this one stands for (default 1): the newest of a run not listed one by one. */
  times?: number;
}

/**
 * Denials listed per call. A skill can provoke denials in a loop; past this many only the newest
 * is kept (in the last place) and the rest are counted, so a call's record stays small.
 */
export const MAX_DENIALS_LISTED = 100;

/** Characters of a denial's value recorded (a path or a name); past that it is cut with "…". */
export const MAX_DENIAL_VALUE_CHARS = 1024;

export interface SandboxOutcome {
  result: { ok: true; output: unknown } | { ok: false; error: MoltError };
  /** console.* output captured from the skill, capped. */
  logs: string[];
  /** At most MAX_DENIALS_LISTED. */
  denials: DenialRecord[];
  /** Denials recorded but not in `denials`; absent when none. */
  denialsOmitted?: number;
  durationMs: number;
}

/**
 * Asked when a host call needs a permission the policy says to prompt for. Resolves true to
 * allow this one request. Anything but a clear `true` denies (fail closed).
 */
export type PromptHandler = (request: PermissionRequest, decision: PermissionDecision) => Promise<boolean>;
