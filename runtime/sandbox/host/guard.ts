// The one place a host function turns a permission decision into "go on" or a thrown denial.
// Fail closed: only a literal "allow" (or a prompt the user clearly approved) lets a call through.
import type { PermissionDecision, PermissionRequest } from "../../contracts/permissions.ts";
import { realpathSync } from "node:fs";
import { sep } from "node:path";
import { pathCovers } from "../../../policy/decide.ts";
import { HostDenied, type HostContext } from "./types.ts";

/** Decides `req` and returns if allowed; otherwise records the denial and throws HostDenied. */
export function requirePermission(ctx: HostContext, req: PermissionRequest): Promise<void> {
  return settle(ctx, req, safeCheck(ctx, req));
}

/** Acts on decision `d` for `req`: returns when allowed, asks the user when it says so, and
 *  otherwise records the denial and throws HostDenied. */
export async function settle(ctx: HostContext, req: PermissionRequest, d: PermissionDecision): Promise<void> {
  if (d.decision === "allow") return;
  if (d.decision === "prompt") {
    let approved = false;
    try {
      approved = (await ctx.ask(req, d)) === true;
    } catch {
      approved = false;
    }
    if (approved) return;
    denyWith(ctx, req, { decision: "deny", rule: d.rule, reason: d.reason });
  }
  denyWith(ctx, req, d);
}

/**
 * Runs `then` at once when `req` is allowed without asking, so a host call stays synchronous
 * (no event-loop turn before the skill goes on); after the user's answer when it must ask;
 * never when denied (the denial is recorded and thrown, as by requirePermission).
 */
export function withPermission<T>(ctx: HostContext, req: PermissionRequest, then: () => T): T | Promise<Awaited<T>> {
  const d = safeCheck(ctx, req);
  if (d.decision === "allow") return then();
  if (d.decision === "prompt") return requirePermission(ctx, req).then(then) as Promise<Awaited<T>>;
  denyWith(ctx, req, d);
}

/**
 * Synchronous variant for host functions that cannot await (env.get). A `prompt` is asked
 * through ctx.askSync, which blocks the worker thread until the answer; without it, it denies.
 */
export function requirePermissionSync(ctx: HostContext, req: PermissionRequest): void {
  const d = safeCheck(ctx, req);
  if (d.decision === "allow") return;
  if (d.decision === "prompt") {
    let approved = false;
    try {
      approved = ctx.askSync?.(req, d) === true;
    } catch {
      approved = false;
    }
    if (approved) return;
    denyWith(ctx, req, { decision: "deny", rule: d.rule, reason: d.reason });
  }
  denyWith(ctx, req, d);
}

/** ctx.check, but an exception or a malformed answer becomes a deny; so is any file access
 *  inside a protected folder (Moltbot's own home), whatever the policy says. */
export function safeCheck(ctx: HostContext, req: PermissionRequest): PermissionDecision {
  if ((req.kind === "read" || req.kind === "write") && typeof req.value === "string") {
    const root = protectedRootOf(req.value);
    if (root !== undefined) {
      return {
        decision: "deny",
        rule: "moltbot home",
        reason: `Requires ${req.kind} access to "${req.value}", inside Moltbot's own folder ${root} (its config, policy, audit log, memory and channel sessions), which no skill may read or write; use the memory tools for memory`,
      };
    }
  }
  try {
    return asDecision(ctx.check(req), req);
  } catch {
    return checkFailed(req);
  }
}

// Moltbot's home, as its real path, for every call of this worker: a root never changes while
// the process runs, so a host call still running from an earlier call checks the same ones.
const protectedRoots = new Set<string>();
// The paths jobs named, resolved once: every job names the same home.
const protectedPaths = new Set<string>();

/** Adds folders (real paths, or paths resolved here) that no file access may reach. */
export function protectFolders(paths: readonly string[]): void {
  for (const p of paths) {
    if (protectedPaths.has(p)) continue;
    protectedPaths.add(p);
    let real = p;
    try {
      real = realpathSync(p);
    } catch {
      // not there yet: protect the path as written (it is absolute)
    }
    protectedRoots.add(real.endsWith(sep) && real.length > 1 ? real.slice(0, -1) : real);
  }
}

function protectedRootOf(path: string): string | undefined {
  for (const root of protectedRoots) if (pathCovers(root, path)) return root;
  return undefined;
}

/** Records the denial for the audit and throws the error core shows as `PermissionDenied`. */
export function denyWith(ctx: HostContext, req: PermissionRequest, d: PermissionDecision): never {
  const decision = d.decision === "allow" || d.decision === "prompt" ? { ...d, decision: "deny" as const } : d;
  try {
    ctx.recordDenial({ kind: req.kind, value: req.value, rule: decision.rule, caught: false });
  } catch {
    // A failing recorder must not turn a denial into anything else.
  }
  throw new HostDenied(decision, req);
}

const KINDS = new Set(["allow", "prompt", "deny", "forbidden"]);

/** Anything that is not a well-formed decision is treated as a failed (denying) check. */
export function asDecision(v: unknown, req: PermissionRequest): PermissionDecision {
  if (typeof v !== "object" || v === null) return checkFailed(req);
  const d = v as PermissionDecision;
  if (!KINDS.has(d.decision) || typeof d.rule !== "string" || typeof d.reason !== "string") return checkFailed(req);
  return d;
}

export function checkFailed(req: PermissionRequest): PermissionDecision {
  const what = req.value === undefined ? "" : ` to "${req.value}"`;
  return {
    decision: "deny",
    rule: "internal",
    reason: `Requires ${req.kind} access${what}, but the permission check failed, so it is denied`,
  };
}
