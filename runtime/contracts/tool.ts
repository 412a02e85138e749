import type { MoltError } from "./errors.ts";

/** A JSON Schema object, as found in manifests and sent to models. */
export type JSONSchema = { [key: string]: unknown };

export type ToolResult = { ok: true; output: unknown } | { ok: false; error: MoltError };

/**
 * The shape tools are encouraged to return (skills return JSON, so bytes travel as base64):
 * structured data, a short human summary a channel can show, and binary attachments
 * (screenshots, photos) a channel can send. Large outputs say how much was cut.
 */
export interface ToolOutput {
  summary?: string;
  attachments?: { kind: "image" | "file" | "audio" | "video"; mime: string; name?: string; base64: string }[];
  truncated?: { shown: number; total: number; unit: "bytes" | "chars" | "items" | "lines" };
  [key: string]: unknown;
}

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
