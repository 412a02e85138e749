// The composition root: the one place concrete parts are wired together (DESIGN §1).
export { loadSkillArg, resolveSkillDir } from "./skill-resolve.ts";
import { resolve } from "node:path";
import { homePaths, moltbotHome, userHome } from "./home.ts";
import { ensureHome } from "./home-init.ts";
import { loadPolicyFile, type Policy } from "../policy/index.ts";
import { SandboxPool } from "./sandbox/index.ts";
import { AuditLog } from "./audit/index.ts";
import { startGateway, type GatewayOptions, type RunningGateway } from "./gateway/server.ts";

export interface RuntimeOptions {
  policyPath?: string;
  auditPath?: string;
  /** Benchmarks turn the per-entry fsync off; everything else keeps it. */
  fsync?: boolean;
  maxWorkers?: number;
}

export interface Runtime {
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
  const pool = new SandboxPool({ maxWorkers: opts.maxWorkers });
  const audit = AuditLog.open(opts.auditPath ? resolve(opts.auditPath) : paths.audit, { stateDb: paths.state, fsync: opts.fsync ?? true });
  return {
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

export async function startLocalGateway(opts: GatewayOptions): Promise<RunningGateway> {
  ensureHome(moltbotHome());
  let pool: SandboxPool | null = null;
  const gw = startGateway({ ...opts, nodeStatus: () => (pool ? { ...pool.stats } : { workers: 0 }) });
  pool = new SandboxPool();
  return {
    ...gw,
    stop: async () => {
      await gw.stop();
      await pool?.close();
    },
  };
}
