// The composition root: the one place concrete parts are wired together (DESIGN §1).
import { existsSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fail } from "./contracts/errors.ts";
import type { Skill } from "./contracts/skill.ts";
import { homePaths, moltbotHome, userHome } from "./home.ts";
import { ensureHome } from "./home-init.ts";
import { loadPolicyFile, type Policy } from "../policy/index.ts";
import { loadSkill } from "../skills/index.ts";
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
  const policy = loadPolicyFile(opts.policyPath ? resolve(opts.policyPath) : paths.policy, { home: userHome() });
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

/** `<dir|name>`: a folder path, or the name of a skill installed under the home directory. */
export function resolveSkillDir(arg: string): string {
  const asPath = resolve(arg);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return asPath;
  if (!isAbsolute(arg) && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(arg)) {
    const installed = resolve(homePaths(moltbotHome()).skills, arg);
    if (existsSync(installed)) return installed;
  }
  fail("not_found", `no skill folder or installed skill named '${arg}'`, "pass a path to a skill folder, or see 'moltbot skill list'");
}

export async function loadSkillArg(arg: string, strict = false): Promise<{ skill: Skill; warnings: { file: string; field?: string; message: string }[] }> {
  return loadSkill(resolveSkillDir(arg), { strict });
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
