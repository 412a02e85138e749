// The stack every channel's end-to-end tests run against: the real router and the real agent
// (runtime/agent) with the real sandbox, policy, audit log and Markdown memory in a temp home,
// and the real Ollama provider pointed at the fake Ollama server (tests/fakes/model-servers/).
// Only the chat platform (the plugin's fake server) and the model are stand-ins.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChannelPlugin } from "../../runtime/contracts/channel.ts";
import type { Skill } from "../../runtime/contracts/skill.ts";
import { MoltAgent } from "../../runtime/agent/index.ts";
import { AuditLog } from "../../runtime/audit/index.ts";
import { ChannelRouter, startRouter } from "../../runtime/channel-router/index.ts";
import { homePaths } from "../../runtime/home.ts";
import { createProvider } from "../../runtime/providers/index.ts";
import { SandboxPool } from "../../runtime/sandbox/index.ts";
import { createHostServices } from "../../runtime/services/index.ts";
import { SessionStore } from "../../runtime/sessions/index.ts";
import { MemoryStore } from "../../memory/index.ts";
import { DEFAULT_POLICY_YAML, parsePolicy } from "../../policy/index.ts";
import { loadSkill } from "../../skills/index.ts";
import { startFakeOllama, type FakeModelServer, type ScriptedReply } from "../fakes/model-servers/index.ts";

export interface ChannelStackOptions {
  channels: { plugin: ChannelPlugin; config: Record<string, unknown> }[];
  /** Replies the fake model gives, in order (then it echoes the last user message). */
  script?: ScriptedReply[];
  /** Skill folders (skill.json or SKILL.md) the agent may call. */
  skills?: string[];
  /** policy.yaml text; default: the policy a new home gets. */
  policyYaml?: string;
  /** Identities that may answer anyone's approval, e.g. `telegram:1`. */
  owners?: string[];
}

export interface ChannelStack {
  router: ChannelRouter;
  agent: MoltAgent;
  /** The fake Ollama server: `script(replies)`, `requests` (each with the parsed body). */
  model: FakeModelServer;
  /** The temp Moltbot home (state.db, audit.jsonl, memory/, one state folder per channel). */
  home: string;
  sessions: SessionStore;
  /** What `moltbot pairing approve <channel> <code>` does. */
  approvePairing(channel: string, code: string): void;
  /** What `moltbot identity link <a> <b>` does. */
  link(a: string, b: string): void;
  stop(): Promise<void>;
}

const MEMORY_SKILLS = ["memory_search", "memory_write"].map((n) => join(import.meta.dir, "../../skills/builtin", n));

export async function startChannelStack(opts: ChannelStackOptions): Promise<ChannelStack> {
  const home = mkdtempSync(join(tmpdir(), "moltbot-channels-"));
  const paths = homePaths(home);
  const model = await startFakeOllama();
  if (opts.script) model.script(opts.script);
  const skills: Skill[] = [];
  // As in the gateway: the shipped memory skills, their service bound to this home's store.
  for (const dir of [...(opts.skills ?? []), ...MEMORY_SKILLS]) skills.push((await loadSkill(dir)).skill);
  const policy = parsePolicy(opts.policyYaml ?? DEFAULT_POLICY_YAML);
  const memory = new MemoryStore(paths.memory);
  const pool = new SandboxPool({ maxWorkers: 1, services: createHostServices({ memory: { store: memory } }) });
  const audit = AuditLog.open(paths.audit, { stateDb: paths.state, fsync: false });
  const sessions = new SessionStore(paths.state);
  const agent = new MoltAgent({
    provider: createProvider({ ai_provider: "ollama", ollama: { model: "llama3.2", base_url: model.url }, retries: 0 }),
    skills: () => skills,
    runner: { pool, policy, audit, home },
    memory,
    stateDb: paths.state,
    options: opts.owners?.length ? { owners: opts.owners } : {},
  });
  const logs: string[] = [];
  const router = await startRouter({
    agent, sessions, stateDb: paths.state, stateDir: home, channels: opts.channels,
    typingIntervalMs: 200, log: (level, message) => logs.push(`${level}: ${message}`),
  });
  let stopped = false;
  return {
    router, agent, model, home, sessions,
    approvePairing: (channel, code) => void sessions.approvePairing(channel, code),
    link: (a, b) => void sessions.link(a, b),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await router.stop();
      await model.stop();
      await pool.close();
      audit.close();
      memory.close();
      sessions.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
