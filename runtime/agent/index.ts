// Public surface of runtime/agent (DESIGN §1, §8).
export { MoltAgent } from "./agent.ts";
export type { AgentDeps, AgentMemory, AgentOptions, AgentRunner } from "./types.ts";
export { DEFAULT_GUARD, classifyTool, type GuardOptions, type ToolClass } from "./guard.ts";
export { SKILL_READ } from "./toolset.ts";
export { DEFAULT_IMAGE_LIMITS, type ImageLimits } from "./turn-images.ts";
