// Test support: a throwaway home (state.db, audit log, Markdown memory, skill folders) and a
// scripted ModelProvider that stands in for the external model (not for any of our code).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent, TurnInput } from "../contracts/agent.ts";
import type { ChatEvent, ChatRequest, ModelProvider } from "../contracts/provider.ts";
import type { Skill } from "../contracts/skill.ts";
import { parsePolicy, type Policy } from "../../policy/index.ts";
import { loadSkill } from "../../skills/index.ts";
import { AuditLog } from "../audit/index.ts";
import { SandboxPool } from "../sandbox/index.ts";
import { createHostServices } from "../services/index.ts";
import { MemoryStore } from "../../memory/index.ts";
import { MoltAgent } from "./agent.ts";
import type { AgentOptions } from "./types.ts";

export type Script = (req: ChatRequest, n: number, signal: AbortSignal) => ChatEvent[] | AsyncIterable<ChatEvent>;

export class ScriptedProvider implements ModelProvider {
  readonly name = "scripted";
  readonly requests: ChatRequest[] = [];
  readonly signals: AbortSignal[] = [];
  constructor(private readonly script: Script) {}

  async *chat(req: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent> {
    this.requests.push(structuredClone(req));
    this.signals.push(signal);
    yield* this.script(req, this.requests.length - 1, signal);
  }
}

export const say = (text: string): ChatEvent[] => [{ type: "text", delta: text }, { type: "done", stopReason: "end" }];
export const call = (name: string, params: unknown, id = `c-${name}`): ChatEvent[] => [{ type: "tool_call", id, name, params }, { type: "done", stopReason: "tool_use" }];
/** The content the model was shown for its last tool call. */
export const lastToolText = (req: ChatRequest): string => [...req.messages].reverse().find((m) => m.role === "tool")?.content ?? "";

export function policyYaml(trust: string, extra = ""): Policy {
  return parsePolicy(`version: 1\ntrust:\n${trust}\n${extra}`);
}

export class AgentHome {
  readonly dir = mkdtempSync(join(tmpdir(), "moltbot-agent-"));
  readonly stateDb = join(this.dir, "state.db");
  readonly audit = AuditLog.open(join(this.dir, "audit.jsonl"), { stateDb: this.stateDb, fsync: false });
  memory = new MemoryStore(join(this.dir, "memory"));
  readonly skills: Skill[] = [];

  /** Writes and loads an executable skill whose main.js is `source`. */
  async skill(name: string, source: string, manifest: Record<string, unknown> = {}): Promise<Skill> {
    const dir = join(this.dir, "skills", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "skill.json"), JSON.stringify({ name, version: "1.0.0", description: `test skill ${name}`, implementation: "main.js", parameters: {}, permissions: [], ...manifest }));
    writeFileSync(join(dir, "main.js"), source);
    const { skill } = await loadSkill(dir);
    this.skills.push(skill);
    return skill;
  }

  async instruction(name: string, description: string, body: string): Promise<Skill> {
    const dir = join(this.dir, "skills", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "SKILL.md"), `---\nname: ${name}\ndescription: ${description}\n---\n${body}\n`);
    const { skill } = await loadSkill(dir);
    this.skills.push(skill);
    return skill;
  }

  /** Adds the shipped memory_search and memory_write skills (skills/builtin/) to this home's. */
  async memorySkills(): Promise<void> {
    for (const name of ["memory_search", "memory_write"]) {
      this.skills.push((await loadSkill(join(import.meta.dir, "../../skills/builtin", name))).skill);
    }
  }

  /** A pool whose memory service writes to this home's store (not the real ~/.moltbot). */
  memoryPool(): SandboxPool {
    return new SandboxPool({ maxWorkers: 1, services: createHostServices({ memory: { store: this.memory } }) });
  }

  agent(provider: ModelProvider, pool: SandboxPool, policy: Policy, options: AgentOptions = {}): MoltAgent {
    return new MoltAgent({
      provider, skills: () => this.skills, runner: { pool, policy, audit: this.audit, home: this.dir },
      memory: this.memory, stateDb: this.stateDb, options,
    });
  }

  auditLines(): Record<string, unknown>[] {
    const text = readFileSync(this.audit.path, "utf8");
    return text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
  }

  cleanup(): void {
    this.audit.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const turn = (text: string, extra: Partial<TurnInput> = {}): TurnInput => ({ session: "s1", user: "telegram:1", channel: "telegram", text, ...extra });

/** Runs a turn to its end; `on` sees each event as it arrives (to answer approvals). */
export async function collect(events: AsyncIterable<AgentEvent>, on?: (e: AgentEvent) => void | Promise<void>): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const e of events) {
    out.push(e);
    await on?.(e);
  }
  return out;
}
