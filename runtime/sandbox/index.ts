// The sandbox (DESIGN §4): skill calls in fresh QuickJS contexts inside a pool of workers.
export { SandboxPool, type PoolOptions, type RunOptions } from "./pool.ts";
export type { SandboxJob } from "./types.ts";
