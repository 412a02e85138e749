// Test support: writes a skill folder into a temp dir and builds a SandboxJob for it.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { DeclaredPermissions } from "../contracts/permissions.ts";
import { DEFAULT_LIMITS, type SandboxLimits } from "../contracts/sandbox.ts";
import { defaultPolicy, parsePolicy, type Policy } from "../../policy/index.ts";
import type { SandboxJob } from "./types.ts";

/** Creates a skill folder holding `files` (path → source) and returns its path. */
export function skillDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "moltbot-skill-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

export interface JobOptions {
  params?: unknown;
  limits?: Partial<SandboxLimits>;
  permissions?: DeclaredPermissions;
  policyYaml?: string;
  implementation?: string;
  name?: string;
}

export function jobFor(dir: string, opts: JobOptions = {}): SandboxJob {
  const policy: Policy = opts.policyYaml ? parsePolicy(opts.policyYaml) : defaultPolicy();
  return {
    skill: {
      name: opts.name ?? "test_skill",
      version: "1.0.0",
      dir,
      implementation: opts.implementation ?? "main.js",
      permissions: opts.permissions ?? {},
    },
    params: opts.params ?? {},
    policy,
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    home: tmpdir(),
  };
}

/** A job whose skill is just `main.js` with this source. */
export function jobOf(source: string, opts: JobOptions = {}): SandboxJob {
  return jobFor(skillDir({ "main.js": source }), opts);
}
