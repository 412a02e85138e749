// What a node offers and how it runs a call: its built-in + installed skills, each call through
// runSkill under the node's *own* policy and audit log (DESIGN §9: a node never trusts the
// gateway to have checked permissions). A node has nobody to ask, so confirmations and
// permission prompts are denied unless the node was started with --yes — or, for a tool its
// policy asks about, with --accept-approvals and the gateway relaying its user's yes to this call.
import type { Skill } from "../contracts/skill.ts";
import type { ToolResult } from "../contracts/tool.ts";
import { moltError } from "../contracts/errors.ts";
import { trustLevel, type Policy } from "../../policy/index.ts";
import type { AuditRecord } from "../contracts/audit.ts";
import type { AuditLog } from "../audit/index.ts";
import { runSkill, type Answer, type RunDeps } from "../runner/run-skill.ts";
import type { SandboxPool } from "../sandbox/index.ts";
import { loadRegistry } from "../skill-registry.ts";
import type { InvokeRequest } from "./invoke-frame.ts";
import type { Advertisement } from "./node-link.ts";
import { fromNode, type Asked } from "./node-errors.ts";

export interface NodeRuntime {
  pool: SandboxPool;
  policy: Policy;
  audit: AuditLog | null;
  /** The user's home, for `~` in grants and paths. */
  home: string;
  /** `<moltbot home>/skills`: installed skills, after the built-in ones. */
  skillsDir: string;
  mail?: RunDeps["mail"];
  credentials?: RunDeps["credentials"];
  /** Built-in skills folder (tests may point elsewhere). */
  builtinDir?: string;
}

export interface NodeOptions {
  name: string;
  /** --yes: every confirmation and permission prompt is answered yes. */
  yes: boolean;
  /** --accept-approvals: a yes the gateway relays for this very call answers the node's own
   *  confirmation tier; never a permission prompt, a deny or a forbidden tool. */
  acceptApprovals?: boolean;
  /** The node's policy file, named in its refusals. */
  policyFile?: string;
}

export interface NodeSkills {
  advertise(): Promise<Advertisement>;
  invoke(req: InvokeRequest, signal?: AbortSignal): Promise<ToolResult>;
  /** Skills that failed to load at the last advertisement, for a warning. */
  problems: string[];
}

export function nodeSkills(rt: NodeRuntime, opts: NodeOptions): NodeSkills {
  let byName = new Map<string, Skill>();
  const self: NodeSkills = {
    problems: [],
    async advertise() {
      const reg = await loadRegistry(rt.skillsDir, ...(rt.builtinDir ? [rt.builtinDir] : []));
      self.problems = reg.problems.map((p) => p.error.message);
      // Only what this node would run: instruction skills and its forbidden tools are not offered.
      const runnable = reg.skills.filter((s) => s.kind === "executable" && trustLevel(rt.policy, s.name).trust !== "forbid");
      byName = new Map(runnable.map((s) => [s.name, s]));
      return {
        skills: runnable.map((s) => ({ name: s.name, description: s.description, parameters: s.parameters, version: s.version })),
        capabilities: {
          platform: process.platform, arch: process.arch, runtime: `bun ${Bun.version}`,
          prompts: opts.yes ? "yes" : "deny",
          approvals: opts.yes ? "yes" : opts.acceptApprovals ? "accept" : "deny",
        },
      };
    },
    async invoke(req, signal) {
      const skill = byName.get(req.tool);
      if (!skill) return { ok: false, error: moltError("not_found", `node ${opts.name} has no skill named ${req.tool}`, "see the node's skills in the gateway's status") };
      const relayed = req.context?.approved;
      const asked: Asked = { confirm: null, prompt: false };
      const report = await runSkill(skill, req.params ?? {}, {
        pool: rt.pool, policy: rt.policy, audit: rt.audit && signal ? cancelAware(rt.audit, signal) : rt.audit, home: rt.home,
        ...(rt.mail ? { mail: rt.mail } : {}),
        ...(rt.credentials ? { credentials: rt.credentials } : {}),
        // runSkill asks this only for the confirmation tier: a forbidden tool or a denied
        // permission never reaches it, so a relayed yes cannot override them.
        confirm: async (): Promise<Answer> => {
          if (opts.yes) return true;
          if (opts.acceptApprovals && relayed) return true;
          asked.confirm = relayed ? "relayed-not-accepted" : opts.acceptApprovals ? "none-relayed" : "not-accepting";
          return "unavailable";
        },
        // A permission prompt inside the sandbox was never shown to the gateway's user.
        prompt: async (): Promise<Answer> => {
          if (opts.yes) return true;
          asked.prompt = true;
          return "unavailable";
        },
        context: {
          ...(req.context?.session !== undefined ? { session: req.context.session } : {}),
          ...(req.context?.channel !== undefined ? { channel: req.context.channel } : {}),
          // Who asked (the gateway's user, who is also who approved a relayed yes).
          ...((req.context?.user ?? relayed?.by) !== undefined ? { user: req.context?.user ?? relayed?.by } : {}),
          node: opts.name,
        },
        ...(signal ? { signal } : {}),
      });
      const result = report.result;
      if (result.ok) return result;
      return { ok: false, error: fromNode(result.error, { tool: req.tool, node: opts.name, policyFile: opts.policyFile, asked, stopped: signal?.aborted ?? false }) };
    },
  };
  return self;
}

/**
 * The audit log as runSkill sees it for one call: a call the node cancelled while stopping is
 * recorded with error_code `cancelled` (the sandbox words any abort as skill_error "cancelled by
 * the user", which here would blame the skill). runSkill only appends, so only append is given.
 */
function cancelAware(log: AuditLog, signal: AbortSignal): AuditLog {
  const append = (r: AuditRecord) => log.append(signal.aborted && r.error_code === "skill_error" ? { ...r, error_code: "cancelled" } : r);
  return { append } satisfies Pick<AuditLog, "append"> as unknown as AuditLog;
}
