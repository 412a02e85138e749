// The parsed policy. Plain data only (no classes, Maps, RegExps, functions): it is posted to
// Bun Workers with structured clone and must arrive unchanged.
import type { PermissionScopes, TrustLevel } from "../runtime/contracts/permissions.ts";
import type { SandboxLimits } from "../runtime/contracts/sandbox.ts";

/**
 * A `deny:` or `allow:` block as written. `resolved` holds, index for index, the real absolute
 * path of each read/write entry and of each run entry that is a path (a name stays as written)
 * when the policy was loaded from a file (`~` expanded, symlinks resolved); the written text
 * stays in `read`/`write`/`run` for rule reasons.
 */
export interface ScopeBlock extends PermissionScopes {
  resolved?: { read?: string[]; write?: string[]; run?: string[] };
}

export interface SkillPolicy {
  allow: ScopeBlock;
  deny: ScopeBlock;
  limits: Partial<SandboxLimits>;
}

export type Remember = "none" | "session" | "always";

export interface Policy {
  version: 1;
  prompt: boolean;
  precedence: "deny" | "specific";
  trust: {
    allowedWithoutConfirmation: string[];
    requiresConfirmation: string[];
    forbidden: string[];
    default: TrustLevel;
  };
  confirmation: { timeoutMs: number; remember: Remember };
  limits: SandboxLimits;
  deny: ScopeBlock;
  skills: Record<string, SkillPolicy>;
}

/** Where the policy is being applied: the user's home, for `~` in entries and requests. */
export interface PolicyEnv {
  home: string;
}
