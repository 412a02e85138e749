// The composition root: the one place concrete parts are wired together (DESIGN §1).
export { loadSkillArg, resolveSkillDir } from "./skill-resolve.ts";
import { resolve } from "node:path";
import { homePaths, moltbotHome, userHome } from "./home.ts";
import { ensureHome } from "./home-init.ts";
import { loadPolicyFile, trustLevel, type Policy } from "../policy/index.ts";
import { SandboxPool } from "./sandbox/index.ts";
import { AuditLog } from "./audit/index.ts";
import { startGateway, type GatewayOptions, type RunningGateway } from "./gateway/server.ts";
import { loadConfig, type Config } from "./config/index.ts";
import { providerStatus } from "./providers/status.ts";
import type { ModelProvider } from "./contracts/provider.ts";
import type { MemoryServiceOptions } from "./services/index.ts";
import { fail } from "./contracts/errors.ts";
import { MoltAgent } from "./agent/index.ts";
import { MemoryStore } from "../memory/index.ts";
import { loadRegistry } from "./skill-registry.ts";
import { SessionStore } from "./sessions/index.ts";
import { secretValues } from "./config/index.ts";
import { pluginFrom, startRouter, type ChannelRouter, type RouterChannel } from "./channel-router/index.ts";

export interface RuntimeOptions {
  policyPath?: string;
  auditPath?: string;
  /** Benchmarks turn the per-entry fsync off; everything else keeps it. */
  fsync?: boolean;
  maxWorkers?: number;
}

export interface Runtime {
  config: Config;
  home: string;
  userHome: string;
  policy: Policy;
  pool: SandboxPool;
  audit: AuditLog;
  close(): Promise<void>;
}

export async function openRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  const home = moltbotHome();
  const paths = homePaths(home);
  ensureHome(home);
  const policy = loadPolicyFile(opts.policyPath ? resolve(opts.policyPath) : paths.policy, { home: userHome(), cacheDir: paths.cache });
  const config = loadConfig(paths.config);
  const services = await hostServices(config, { root: paths.memory });
  const pool = new SandboxPool({ maxWorkers: opts.maxWorkers, services });
  const audit = AuditLog.open(opts.auditPath ? resolve(opts.auditPath) : paths.audit, { stateDb: paths.state, fsync: opts.fsync ?? true, secrets: secretValues(config) });
  return {
    config,
    home,
    userHome: userHome(),
    policy,
    pool,
    audit,
    close: async () => {
      audit.close();
      await pool.close();
    },
  };
}

/** The provider SDKs cost ~100 ms to import: load them with the first chat, not at startup. */
function lazyProvider(config: Config): ModelProvider {
  let real: ModelProvider | null = null;
  return {
    name: config.ai_provider,
    async *chat(req, signal) {
      real ??= (await import("./providers/index.ts")).createProvider(config);
      yield* real.chat(req, signal);
    },
  };
}

/**
 * The gateway with everything behind it: config → provider → agent (skills from the home's
 * skills/ folder, memory, approvals in state.db). Shutdown flushes audit and memory after turns end.
 */
export async function startLocalGateway(opts: GatewayOptions & { config?: Config }): Promise<RunningGateway> {
  const home = moltbotHome();
  const paths = homePaths(home);
  ensureHome(home);
  const config = opts.config ?? loadConfig(paths.config);
  const policy = loadPolicyFile(paths.policy, { home: userHome(), cacheDir: paths.cache });
  const { skills: loaded, problems } = await loadRegistry(paths.skills);
  for (const p of problems) process.stderr.write(`warning: skipped skill: ${p.error.message}\n`);
  const memory = new MemoryStore(paths.memory);
  // memory_search / memory_write reach the agent's own store: one index, one write queue.
  const services = await hostServices(config, { store: memory });
  const pool = new SandboxPool({ services });
  const audit = AuditLog.open(paths.audit, { stateDb: paths.state, secrets: secretValues(config) });
  const sessions = new SessionStore(paths.state);
  const guard = config.agent.guard;
  // Remote nodes connect to the gateway, which starts after the agent: route through it once it runs.
  let gateway: RunningGateway | null = null;
  const agent = new MoltAgent({
    provider: lazyProvider(config),
    skills: () => loaded,
    runner: { pool, policy, audit, home: userHome(), ...(config.mail ? { mail: config.mail } : {}), credentials: config.credentials },
    remote: {
      remoteTools: () => gateway?.nodes.remoteTools() ?? [],
      invokeRemote: async (node, tool, params, ctx) =>
        gateway ? gateway.nodes.invokeRemote(node, tool, params, ctx) : { ok: false, error: { code: "not_found", message: `no node named ${node} is connected` } },
    },
    memory,
    stateDb: paths.state,
    options: {
      maxSteps: config.agent.max_steps,
      ...(config.owners.length ? { owners: config.owners } : {}),
      ...(guard ? { guard: { enabled: guard.enabled, ...(guard.untrusted ? { untrusted: guard.untrusted } : {}), ...(guard.side_effects ? { sideEffects: guard.side_effects } : {}) } } : {}),
    },
  });
  const router = await startChannels(config, agent, sessions, paths.state, home);
  return (gateway = startGateway({
    ...opts,
    agent,
    // A client's node.invoke passes this gateway's trust tiers and lands in its audit log.
    nodeGate: { trust: (tool) => trustLevel(policy, tool), audit: (record) => void audit.append(record) },
    // One conversation per person: identity links (`moltbot identity link`) join them.
    sessionFor: (user, channel, label) => {
      const base = sessions.sessionFor({ channel, chatId: user, user, isGroup: false });
      return label ? `${base}/${label}` : base;
    },
    nodeStatus: () => ({ ...pool.stats }),
    providersStatus: async () => ({ ...(await providerStatus(config, { timeoutMs: 1000 })) }),
    history: async (session, last) => (await memory.readTranscript(session, { last })).map((e) => ({ role: e.role, text: e.text, at: e.at.toISOString() })),
    skills: () => loaded.map((s) => ({ name: s.name, description: s.description, kind: s.kind, version: s.version })),
    channelsStatus: () => router?.status() ?? {},
    onShutdown: async () => {
      await router?.stop();
      audit.close();
      memory.close();
      sessions.close();
      await pool.close();
    },
  }));
}

/**
 * The configured channels (config.yaml `channels:`), each loaded only when configured — the
 * one place channels/* is imported — and started behind the router (access, commands, turns).
 */
async function startChannels(config: Config, agent: MoltAgent, sessions: SessionStore, stateDb: string, home: string): Promise<ChannelRouter | null> {
  const channels: RouterChannel[] = [];
  for (const [name, block] of Object.entries(config.channels)) {
    if (!block) continue;
    const mod = (await import(`../channels/${name}/index.ts`).catch((err: unknown) =>
      fail("invalid_config", `config.yaml channels.${name}: could not load channels/${name}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`, "remove the block or check the installation"))) as Record<string, unknown>;
    channels.push({ plugin: pluginFrom(name, mod), config: block as Record<string, unknown> });
  }
  if (channels.length === 0) return null;
  return startRouter({ agent, sessions, stateDb, stateDir: home, channels });
}

/** The main-process services skills reach by RPC, configured from config.yaml and the home. */
async function hostServices(config: Config, memory: MemoryServiceOptions) {
  const { createHostServices } = await import("./services/index.ts");
  return createHostServices({ memory, ...(config.camera?.device ? { camera: { device: config.camera.device } } : {}) });
}
