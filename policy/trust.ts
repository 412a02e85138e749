// Tool-level trust boundaries (DESIGN §5 `trust:`): forbidden wins, then confirmation, then
// allow-without-confirmation, then the default.
import type { TrustLevel } from "../runtime/contracts/permissions.ts";
import type { Policy } from "./types.ts";

export interface TrustDecision {
  trust: TrustLevel;
  rule: string;
}

export function trustLevel(policy: Policy, tool: string): TrustDecision {
  const lists: [keyof Policy["trust"], TrustLevel][] = [
    ["forbidden", "forbid"],
    ["requiresConfirmation", "confirm"],
    ["allowedWithoutConfirmation", "allow"],
  ];
  for (const [key, trust] of lists) {
    const i = (policy.trust[key] as string[]).indexOf(tool);
    if (i >= 0) return { trust, rule: `trust.${key}[${i}]` };
  }
  return { trust: policy.trust.default, rule: "trust.default" };
}
