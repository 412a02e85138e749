// Fills in the defaults of DESIGN §5 for every key the file leaves out.
import { DEFAULT_LIMITS, type SandboxLimits } from "../runtime/contracts/sandbox.ts";
import type { RawLimits, RawPolicy, RawScopes } from "./schema.ts";
import type { Policy, ScopeBlock, SkillPolicy } from "./types.ts";

export const DEFAULT_CONFIRMATION_TIMEOUT_MS = 120_000;

export function toLimits(raw: RawLimits | undefined): Partial<SandboxLimits> {
  const out: Partial<SandboxLimits> = {};
  if (raw?.timeout !== undefined) out.timeoutMs = raw.timeout;
  if (raw?.memory !== undefined) out.memoryBytes = raw.memory;
  if (raw?.output !== undefined) out.outputBytes = raw.output;
  if (raw?.stack !== undefined) out.stackBytes = raw.stack;
  return out;
}

function scopes(raw: RawScopes | undefined): ScopeBlock {
  return { ...(raw ?? {}) };
}

export function buildPolicy(raw: RawPolicy): Policy {
  const skills: Record<string, SkillPolicy> = {};
  for (const [name, s] of Object.entries(raw.skills ?? {})) {
    skills[name] = { allow: scopes(s.allow), deny: scopes(s.deny), limits: toLimits(s.limits) };
  }
  return {
    version: 1,
    prompt: raw.prompt ?? true,
    precedence: raw.precedence ?? "deny",
    trust: {
      allowedWithoutConfirmation: raw.trust?.allowedWithoutConfirmation ?? [],
      requiresConfirmation: raw.trust?.requiresConfirmation ?? [],
      forbidden: raw.trust?.forbidden ?? [],
      default: raw.trust?.default ?? "confirm",
    },
    confirmation: {
      timeoutMs: raw.confirmation?.timeout ?? DEFAULT_CONFIRMATION_TIMEOUT_MS,
      remember: raw.confirmation?.remember ?? "none",
    },
    limits: { ...DEFAULT_LIMITS, ...toLimits(raw.limits) },
    deny: scopes(raw.deny),
    skills,
  };
}
