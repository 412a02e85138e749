// The Moltbot home directory (DESIGN §12): ~/.moltbot or $MOLTBOT_HOME.
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export function moltbotHome(env: Record<string, string | undefined> = process.env): string {
  const override = env.MOLTBOT_HOME;
  if (override && override.trim() !== "") return resolve(expandTilde(override, userHome(env)));
  return join(userHome(env), ".moltbot");
}

/** The user's home, for `~` in policy entries and skill paths. */
export function userHome(env: Record<string, string | undefined> = process.env): string {
  return env.HOME && env.HOME !== "" ? env.HOME : homedir();
}

export function expandTilde(p: string, home: string): string {
  if (p === "~") return home;
  if (p.startsWith("~/")) return join(home, p.slice(2));
  return p;
}

export const homePaths = (home: string) => ({
  home,
  config: join(home, "config.yaml"),
  policy: join(home, "policy.yaml"),
  skills: join(home, "skills"),
  skillsLock: join(home, "skills.lock"),
  audit: join(home, "audit.jsonl"),
  state: join(home, "state.db"),
  memory: join(home, "memory"),
  cache: join(home, "cache"),
});
