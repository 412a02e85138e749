// Reads policy.yaml from disk and pins its read/write entries, and its run entries that are
// absolute paths, to real paths: a grant of "/tmp/x" still matches when /tmp is a symlink
// (requests arrive already realpath'ed), and a deny of /bin/sh still holds when /bin is a link
// to /usr/bin.
import { readFileSync, realpathSync } from "node:fs";
import { posix } from "node:path";
import { fail } from "../runtime/contracts/errors.ts";
import { parsePolicyCached } from "./policy-cache.ts";
import { expandPath } from "./path-match.ts";
import type { Policy, PolicyEnv, ScopeBlock } from "./types.ts";

/** The real path of `abs`, resolving the longest existing ancestor when it does not exist yet. */
export function realPathOf(abs: string): string {
  const tail: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return posix.join(realpathSync(cur), ...tail.reverse());
    } catch {
      if (cur === "/") return abs;
      tail.push(posix.basename(cur));
      cur = posix.dirname(cur);
    }
  }
}

function resolveBlock(block: ScopeBlock, env: PolicyEnv): ScopeBlock {
  const resolved: { read?: string[]; write?: string[]; run?: string[] } = {};
  if (block.read) resolved.read = block.read.map((e) => realPathOf(expandPath(e, env.home)));
  if (block.write) resolved.write = block.write.map((e) => realPathOf(expandPath(e, env.home)));
  // A command name stays a name (the sandbox finds it on the host's PATH when it runs).
  if (block.run) resolved.run = block.run.map((e) => (e.startsWith("/") ? realPathOf(posix.normalize(e)) : e));
  return block.read || block.write || block.run ? { ...block, resolved } : block;
}

/** Adds resolved real paths to every read/write entry and absolute run entry (does file-system I/O). */
export function resolvePolicyPaths(policy: Policy, env: PolicyEnv): Policy {
  const skills: Policy["skills"] = {};
  for (const [name, s] of Object.entries(policy.skills)) {
    skills[name] = { ...s, allow: resolveBlock(s.allow, env), deny: resolveBlock(s.deny, env) };
  }
  return { ...policy, deny: resolveBlock(policy.deny, env), skills };
}

/**
 * Where the path of a policy file came from, so a missing file gets a hint that fits:
 * - `--policy`: the user passed `--policy F`;
 * - `argument`: the user named the file on the command line (`policy lint F`);
 * - `home`: the home's policy.yaml, used when no path was given.
 */
export type PolicySource = "--policy" | "argument" | "home";

const MISSING_HINT: Record<PolicySource, string> = {
  "--policy": "check the path given to --policy",
  argument: "check the path given; without one, the policy.yaml in Moltbot's home is used",
  home: "run 'moltbot policy lint' to create it with safe defaults",
};

/** Reads, parses and path-resolves a policy file. Synchronous: it runs once at start-up.
 *  With `cacheDir`, a parse of the same text is reused (see policy-cache.ts). `from` says where
 *  the path came from; without it, a missing file is hinted at as a `--policy` path (the home's
 *  own file is created before it is read). */
export function loadPolicyFile(path: string, opts: PolicyEnv & { cacheDir?: string; from?: PolicySource }): Policy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") fail("invalid_policy", `policy file ${path} not found`, MISSING_HINT[opts.from ?? "--policy"]);
    fail("invalid_policy", `policy file ${path} could not be read (${code ?? "error"})`, "check its permissions");
  }
  return resolvePolicyPaths(parsePolicyCached(text, path, opts.cacheDir), opts);
}
