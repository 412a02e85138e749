// Public API of policy/ (DESIGN §5). Depends on runtime/contracts only.
export type { Policy, PolicyEnv, ScopeBlock, SkillPolicy, Remember } from "./types.ts";
export { parsePolicy } from "./parse-lazy.ts";
export { parsePolicyCached } from "./policy-cache.ts";
export { loadPolicyFile, resolvePolicyPaths, realPathOf } from "./load-policy.ts";
export { DEFAULT_POLICY_YAML, defaultPolicy } from "./default-policy.ts";
export { trustLevel, type TrustDecision } from "./trust.ts";
export { checkConfiguredServer, checkPermission, checkRun, type SkillRef } from "./check-permission.ts";
export { checkResolvedAddress } from "./resolved-address.ts";
export { effectiveLimits } from "./limits.ts";
export { isSealed, sealPolicy } from "./sealed.ts";
export { explainSkill, ANY_OTHER, type ExplainedEntry, type ExplainedKind } from "./explain.ts";
export { normalizeHost, parseIP, parseIPv4, parseIPv6, formatIP, type IP } from "./ip.ts";
export { parseCidr, cidrContains, type Cidr } from "./cidr.ts";
export { isSpecialAddress, embeddedIPv4, isLoopbackName, type SpecialCategory } from "./special-address.ts";
export { parseNetPattern, parseNetRequest, type NetPattern, type NetRequest } from "./net-match.ts";
export { expandPath, requestPath, pathCovers } from "./path-match.ts";
export { parseDuration, parseSize } from "./units.ts";
export type { RunRequest } from "./run-match.ts";
