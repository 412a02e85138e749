export { loadConfig, parseConfig, secretValues } from "./load-config.ts";
export { configSchema, type Config } from "./schema.ts";
