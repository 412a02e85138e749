// How a failed call is described to the caller: one MoltError per way a skill can end badly.
import { moltError, type MoltError } from "../contracts/errors.ts";
import type { SandboxLimits } from "../contracts/sandbox.ts";
import { MAX_JSON_DEPTH } from "../contracts/json-depth.ts";

/** Message cap for a skill's own error text (it is shown to the model and the user). */
export const MAX_ERROR_MESSAGE = 500;

export function cap(text: string, max = MAX_ERROR_MESSAGE): string {
  return text.length > max ? text.slice(0, max) + "…" : text;
}

// Where a limit is raised, in policy.yaml's own words (DESIGN §5: `limits:` for every skill,
// `skills.<name>.limits:` for one).
const raise = (example: string) => `in policy.yaml, under limits: (or skills.<name>.limits: for this skill), e.g. ${example}`;

export const timeoutError = (limits: SandboxLimits): MoltError =>
  moltError("timeout", `the skill did not finish within ${limits.timeoutMs} ms`, `if it needs longer, raise timeout ${raise("timeout: 60s")}`);

export const memoryError = (limits: SandboxLimits): MoltError =>
  moltError("memory_limit", `the skill used more than ${Math.round(limits.memoryBytes / 1048576)} MiB of memory`, `if it needs more, raise memory ${raise("memory: 256MiB")}`);

export const outputError = (limits: SandboxLimits): MoltError =>
  moltError("output_limit", `the skill's result is larger than ${limits.outputBytes} bytes`, `return less data, or raise output ${raise("output: 8MiB")}`);

export const depthError = (): MoltError =>
  moltError("output_limit", `the skill's result nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`, "return flatter data");

export const stackError = (stackBytes: number): MoltError =>
  moltError("skill_error", `stack overflow: recursion deeper than the ${Math.round(stackBytes / 1024)} KiB stack allows`);

/** The message a user sees when they cancel a run through its AbortSignal. */
export const cancelledError = (): MoltError => moltError("skill_error", "cancelled by the user");

export const skillError = (name: string, message: string): MoltError =>
  moltError("skill_error", cap(name && name !== "Error" ? `${name}: ${message}` : message));
