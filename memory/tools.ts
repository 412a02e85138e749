// The memory as the model sees it: memory_search and memory_write. Whose profile a fact goes to,
// and whose files a search may see, come from the call's context (ToolContext.user), never from
// the model's parameters.
import { z } from "zod";
import { moltError, toMoltError } from "../runtime/contracts/errors.ts";
import type { Tool, ToolContext, ToolOutput, ToolResult } from "../runtime/contracts/tool.ts";
import type { MemoryStore } from "./store.ts";

const SearchParams = z.object({
  query: z.string().trim().min(1).max(500),
  limit: z.number().int().min(1).max(20).optional(),
}).strict();

const WriteParams = z.object({
  kind: z.enum(["fact", "daily"]),
  text: z.string().trim().min(1).max(4000),
  section: z.string().trim().min(1).max(60).optional(),
}).strict();

export function memoryTools(store: MemoryStore): Tool[] {
  return [searchTool(store), writeTool(store)];
}

function searchTool(store: MemoryStore): Tool {
  return {
    name: "memory_search",
    description:
      "Search long-term memory (the user's profile, daily notes, past conversations, notes) by keywords. " +
      "Use it before answering questions about the user or earlier conversations. Words are matched " +
      "in any form (\"dogs\" finds \"dog\"); end a word with * to match its prefix.",
    parameters: {
      type: "object",
      properties: {
        query: { type: "string", description: "Keywords to look for, e.g. \"dentist appointment\"", minLength: 1, maxLength: 500 },
        limit: { type: "integer", description: "How many results at most (default 5)", minimum: 1, maximum: 20 },
      },
      required: ["query"],
      additionalProperties: false,
    },
    async execute(params: unknown, ctx: ToolContext): Promise<ToolResult> {
      const p = parse(SearchParams, params, "memory_search");
      if (!p.ok) return p;
      try {
        const results = await store.search(p.value.query, { limit: p.value.limit ?? 5, ...(ctx.user ? { user: ctx.user } : {}) });
        const summary = results.length
          ? `${results.length} result${results.length === 1 ? "" : "s"} for "${clip(p.value.query)}": ${results.map((r) => r.title).join("; ")}`
          : `nothing in memory matches "${clip(p.value.query)}"`;
        const output: ToolOutput = { summary, results };
        return { ok: true, output };
      } catch (err) {
        return { ok: false, error: toMoltError(err) };
      }
    },
  };
}

function writeTool(store: MemoryStore): Tool {
  return {
    name: "memory_write",
    description:
      "Remember something for later. kind \"fact\": a lasting fact about the user you are talking to " +
      "(one short sentence, e.g. \"Has a dog called Rex\"), filed in their profile under section " +
      "(default \"Facts\"; e.g. \"Preferences\"). kind \"daily\": a note for today's journal " +
      "(what happened, what was decided).",
    parameters: {
      type: "object",
      properties: {
        kind: { type: "string", enum: ["fact", "daily"], description: "\"fact\" for the user's profile, \"daily\" for today's notes" },
        text: { type: "string", description: "The fact or note, in plain words", minLength: 1, maxLength: 4000 },
        section: { type: "string", description: "Profile section for a fact, e.g. \"Preferences\" (default \"Facts\")", minLength: 1, maxLength: 60 },
      },
      required: ["kind", "text"],
      additionalProperties: false,
    },
    async execute(params: unknown, ctx: ToolContext): Promise<ToolResult> {
      const p = parse(WriteParams, params, "memory_write");
      if (!p.ok) return p;
      const { kind, text, section } = p.value;
      try {
        if (kind === "fact") {
          if (!ctx.user) return { ok: false, error: moltError("invalid_input", "memory_write: no user in this conversation to file the fact under", "use kind \"daily\" instead") };
          await store.addFact(ctx.user, text, section);
          const output: ToolOutput = { summary: `Remembered in ${ctx.user}'s profile under ${section ?? "Facts"}: ${clip(text)}`, kind, section: section ?? "Facts" };
          return { ok: true, output };
        }
        await store.appendDaily(text);
        const output: ToolOutput = { summary: `Added to today's notes: ${clip(text)}`, kind };
        return { ok: true, output };
      } catch (err) {
        return { ok: false, error: toMoltError(err) };
      }
    },
  };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: ReturnType<typeof moltError> };

function parse<T>(schema: z.ZodType<T>, params: unknown, tool: string): Parsed<T> {
  const r = schema.safeParse(params);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0]!;
  const at = issue.path.length ? issue.path.join(".") : "params";
  return { ok: false, error: moltError("invalid_params", `${tool}: ${at}: ${issue.message}`, "see the tool's parameter schema") };
}

function clip(s: string, n = 60): string {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}
