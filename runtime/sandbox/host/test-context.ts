// For this folder's tests only: a real HostContext from real policy text, as core builds one.
import type { DeclaredPermissions, PermissionDecision, PermissionRequest } from "../../contracts/permissions.ts";
import { DEFAULT_LIMITS, type SandboxLimits } from "../../contracts/sandbox.ts";
import { parsePolicy } from "../../../policy/index.ts";
import { createHostContext, type RecordingHostContext } from "./context.ts";
import { HostDenied, type HostContext } from "./types.ts";

export interface TestContext extends RecordingHostContext {
  asked: { req: PermissionRequest; decision: PermissionDecision }[];
}

export function testContext(opts: {
  policy: string;
  permissions: DeclaredPermissions;
  skill?: string;
  home?: string;
  answer?: boolean;
  limits?: Partial<SandboxLimits>;
  deadlineMs?: number;
  credentials?: HostContext["credentials"];
}): TestContext {
  const asked: TestContext["asked"] = [];
  const ctx = createHostContext({
    policy: parsePolicy(opts.policy, "test-policy.yaml"),
    skill: { name: opts.skill ?? "tester", permissions: opts.permissions },
    home: opts.home ?? "/nonexistent-home",
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    deadline: Date.now() + (opts.deadlineMs ?? 10_000),
    credentials: opts.credentials,
    ask: async (req, decision) => {
      asked.push({ req, decision });
      return opts.answer === true;
    },
  });
  return Object.assign(ctx, { asked });
}

/** Policy text granting `allow` (a YAML flow map) to the test skill. */
export function policyWith(allow: string, extra = "prompt: false"): string {
  return `version: 1\n${extra}\nskills:\n  tester:\n    allow: ${allow}\n`;
}

/** Awaits `p` and returns the HostDenied it rejects with; anything else fails the test. */
export async function denied(p: unknown): Promise<HostDenied> {
  try {
    await p;
  } catch (err) {
    if (err instanceof HostDenied) return err;
    throw err;
  }
  throw new Error("expected a denial");
}
