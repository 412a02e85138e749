import type { MoltError } from "./errors.ts";

/** A JSON Schema object, as found in manifests and sent to models. */
export type JSONSchema = { [key: string]: unknown };

export type ToolResult = { ok: true; output: unknown } | { ok: false; error: MoltError };

export interface ToolContext {
  session?: string;
  channel?: string;
  user?: string;
  node?: string;
  signal?: AbortSignal;
}

/** A tool as the model sees it (the AgentSkills tool interface). */
export interface Tool {
  name: string; // ^[a-z0-9][a-z0-9_-]{0,63}$
  description: string;
  parameters: JSONSchema;
  execute(params: unknown, ctx: ToolContext): Promise<ToolResult>;
}

export const TOOL_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
