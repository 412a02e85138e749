// The tools one turn offers the model: executable skills, the extra (memory) tools, and
// `skill_read` for instruction skills (progressive disclosure: only name + description sit in
// the prompt, the body comes when the model asks). Forbidden tools are never offered.
import type { JSONSchema, Tool, ToolResult } from "../contracts/tool.ts";
import type { Skill } from "../contracts/skill.ts";
import { moltError } from "../contracts/errors.ts";
import { trustLevel, type Policy } from "../../policy/index.ts";
import type { RemoteTool } from "./types.ts";

export type ToolEntry =
  | { kind: "skill"; skill: Skill }
  | { kind: "tool"; tool: Tool; builtin: boolean }
  | { kind: "remote"; remote: RemoteTool };

export interface Toolset {
  offered: { name: string; description: string; parameters: JSONSchema }[];
  /** Instruction skills, for the system prompt. */
  instructions: Skill[];
  /** Any known tool by name, offered or not (a forbidden skill still gets its audited refusal). */
  find(name: string): ToolEntry | undefined;
}

export const SKILL_READ = "skill_read";

export function buildToolset(skills: Skill[], extra: Tool[], policy: Policy, remote: RemoteTool[] = []): Toolset {
  const byName = new Map<string, ToolEntry>();
  const instructions = skills.filter((s) => s.kind === "instruction");
  for (const t of extra) byName.set(t.name, { kind: "tool", tool: t, builtin: false });
  if (instructions.length > 0) byName.set(SKILL_READ, { kind: "tool", tool: skillReadTool(instructions), builtin: true });
  // Skills last: an installed skill of the same name wins over a built-in, as the user chose it.
  for (const s of skills) if (s.kind === "executable") byName.set(s.name, { kind: "skill", skill: s });
  // A node's skill only where nothing local has the name (the first node to advertise it wins),
  // so connecting a device never replaces a local tool.
  for (const r of remote) if (!byName.has(r.name)) byName.set(r.name, { kind: "remote", remote: r });
  const offered: Toolset["offered"] = [];
  for (const [name, entry] of byName) {
    if (trustLevel(policy, name).trust === "forbid") continue;
    const described = entry.kind === "skill" ? entry.skill : entry.kind === "remote" ? entry.remote : entry.tool;
    offered.push({ name, description: described.description, parameters: described.parameters });
  }
  return { offered, instructions, find: (name) => byName.get(name) };
}

function skillReadTool(instructions: Skill[]): Tool {
  return {
    name: SKILL_READ,
    description: "Read the full instructions of an instruction skill listed in the system prompt.",
    parameters: { type: "object", properties: { name: { type: "string", description: "the skill's name" } }, required: ["name"], additionalProperties: false },
    async execute(params): Promise<ToolResult> {
      const name = (params as { name: string }).name;
      const skill = instructions.find((s) => s.name === name);
      if (!skill) return { ok: false, error: moltError("not_found", `no instruction skill named ${name.slice(0, 64)}`, `available: ${instructions.map((s) => s.name).join(", ")}`) };
      return { ok: true, output: { name: skill.name, description: skill.description, instructions: skill.body ?? "" } };
    },
  };
}
