// Per-call sandbox limits: a skill's own `limits:` override the global ones key by key.
import type { SandboxLimits } from "../runtime/contracts/sandbox.ts";
import { skillPolicy } from "./check-permission.ts";
import type { Policy } from "./types.ts";

export function effectiveLimits(policy: Policy, skillName: string): SandboxLimits {
  return { ...policy.limits, ...(skillPolicy(policy, skillName)?.limits ?? {}) };
}
