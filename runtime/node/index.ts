// Public surface of runtime/node (DESIGN §9): a remote node's link to the gateway and its skills.
export { startNodeLink, type Advertisement, type AdvertisedSkill, type NodeLink, type NodeLinkOptions } from "./node-link.ts";
export { nodeSkills, type NodeRuntime, type NodeSkills } from "./node-skills.ts";
export { parseInvoke, type InvokeContext, type InvokeRequest } from "./invoke-frame.ts";
export { backoffDelay, DEFAULT_BACKOFF, type Backoff } from "./backoff.ts";
