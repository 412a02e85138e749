export * from "./errors.ts";
export * from "./permissions.ts";
export * from "./tool.ts";
export * from "./channel.ts";
export * from "./provider.ts";
export * from "./skill.ts";
export * from "./sandbox.ts";
export * from "./audit.ts";
