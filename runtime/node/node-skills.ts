// What a node offers and how it runs a call: its built-in + installed skills, each call through
// runSkill under the node's *own* policy and audit log (DESIGN §9: a node never trusts the
// gateway to have checked permissions). A node has nobody to ask, so every confirmation and
// permission prompt is denied unless the node was started with --yes.
import { moltError } from "../contracts/errors.ts";
import type { Skill } from "../contracts/skill.ts";
import type { ToolResult } from "../contracts/tool.ts";
import { trustLevel, type Policy } from "../../policy/index.ts";
import type { AuditLog } from "../audit/index.ts";
import { runSkill, type RunDeps } from "../runner/run-skill.ts";
import type { SandboxPool } from "../sandbox/index.ts";
import { loadRegistry } from "../skill-registry.ts";
import type { InvokeRequest } from "./invoke-frame.ts";
import type { Advertisement } from "./node-link.ts";

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

export interface NodeSkills {
  advertise(): Promise<Advertisement>;
  invoke(req: InvokeRequest): Promise<ToolResult>;
  /** Skills that failed to load at the last advertisement, for a warning. */
  problems: string[];
}

export function nodeSkills(rt: NodeRuntime, opts: { name: string; yes: boolean }): NodeSkills {
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
        capabilities: { platform: process.platform, arch: process.arch, runtime: `bun ${Bun.version}`, prompts: opts.yes ? "yes" : "deny" },
      };
    },
    async invoke(req) {
      const skill = byName.get(req.tool);
      if (!skill) return { ok: false, error: moltError("not_found", `node ${opts.name} has no skill named ${req.tool}`, "see the node's skills in the gateway's status") };
      const answer = async () => (opts.yes ? true : ("unavailable" as const));
      const report = await runSkill(skill, req.params ?? {}, {
        pool: rt.pool, policy: rt.policy, audit: rt.audit, home: rt.home,
        ...(rt.mail ? { mail: rt.mail } : {}),
        ...(rt.credentials ? { credentials: rt.credentials } : {}),
        confirm: answer,
        prompt: answer,
        context: { ...req.context, node: opts.name },
      });
      return report.result;
    },
  };
  return self;
}
