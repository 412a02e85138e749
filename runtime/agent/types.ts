// What the agent loop is built from (plain injection, no globals) and its options.
import type { ModelProvider } from "../contracts/provider.ts";
import type { Skill } from "../contracts/skill.ts";
import type { JSONSchema, Tool, ToolContext, ToolResult } from "../contracts/tool.ts";
import type { Policy } from "../../policy/index.ts";
import type { SandboxPool } from "../sandbox/index.ts";
import type { AuditLog } from "../audit/index.ts";
import type { RunDeps } from "../runner/run-skill.ts";
import type { GuardOptions } from "./guard.ts";
import type { ImageLimits } from "./turn-images.ts";

/** The parts of memory/'s MemoryStore the loop uses (structural, so memory/ stays independent). */
export interface AgentMemory {
  readProfile(user: string): Promise<string | null>;
  appendTranscript(session: string, entry: { role: "user" | "assistant" | "tool"; text: string; at?: Date; user?: string }): Promise<void>;
  readTranscript(session: string, opts?: { last?: number }): Promise<{ role: string; text: string; at: Date }[]>;
  appendDaily(text: string): Promise<void>;
}

export interface AgentRunner {
  pool: SandboxPool;
  /** The policy, or a getter when the gateway reloads it. */
  policy: Policy | (() => Policy);
  audit: AuditLog | null;
  /** The user's home, for `~` in grants and paths. */
  home: string;
  /** Passed through to runSkill for mail.* (config.yaml `mail:`). */
  mail?: RunDeps["mail"];
  /** Passed through to runSkill: credential values by name (config.yaml `credentials:`). */
  credentials?: RunDeps["credentials"];
}

export interface AgentOptions {
  /** Model calls per turn before the loop asks for a final answer without tools (default 8). */
  maxSteps?: number;
  /** Characters of prompt (system + history + message) sent to the model (default 24 000). */
  contextChars?: number;
  /** Transcript entries read back per turn before trimming (default 40). */
  historyEntries?: number;
  /** Characters of one tool result shown to the model (default 8 000). */
  toolResultChars?: number;
  guard?: Partial<GuardOptions>;
  /** Images from the user shown to the model per message (default 4, each ≤ 3.75 MiB). */
  images?: Partial<ImageLimits>;
  /** Who may answer anyone's approval; default any `cli:*` user. */
  owners?: string[];
  /** Overrides policy `confirmation.timeout` (tests). */
  approvalTimeoutMs?: number;
  now?: () => number;
}

/** A skill a connected remote node advertises (DESIGN §9). */
export interface RemoteTool {
  node: string;
  name: string;
  description: string;
  parameters: JSONSchema;
  version: string;
}

/**
 * The remote nodes as the loop sees them — no sockets here; main.ts hands in the gateway's.
 * `invokeRemote` never throws: a missing node, a lost socket or the node's own denial is a result.
 */
export interface RemoteNodes {
  remoteTools(): RemoteTool[];
  invokeRemote(node: string, tool: string, params: unknown, ctx: ToolContext): Promise<ToolResult>;
}

export interface AgentDeps {
  provider: ModelProvider;
  /** Loaded skills, executable and instruction; called once per turn so installs take effect. */
  skills: () => Skill[];
  runner: AgentRunner;
  /** Tools that do not run in the sandbox (memory is a sandboxed skill now; tests and embedders
   *  may add their own); trust-gated and audited here. */
  extraTools?: Tool[];
  /** Skills on connected nodes: offered when no local tool has the name, run there, audited here too. */
  remote?: RemoteNodes;
  memory: AgentMemory;
  /** `<home>/state.db`: approvals, sessions, identity links. */
  stateDb: string;
  options?: AgentOptions;
}
