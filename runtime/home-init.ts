// First run: create the home directory (0700) with a safe policy and a commented config (0600).
// Files and folders that exist are never touched (a folder the user made keeps its mode; see
// looseHomeMode); each new file is written atomically.
import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { DEFAULT_POLICY_YAML } from "../policy/index.ts";
import { writeFileAtomic } from "./contracts/write-atomic.ts";
import { homePaths } from "./home.ts";

export const DEFAULT_CONFIG_YAML = `# Moltbot configuration. Every key, its type and default: docs/config.md in the Moltbot source.
# Values like \${VAR} or \${VAR:-default} come from the environment. Check this file with 'moltbot doctor'.
# ai_provider: anthropic | openai | ollama (ollama needs no key and runs locally)
ai_provider: ollama
ollama: { model: llama3.2, base_url: "http://localhost:11434" }
# anthropic: { model: claude-sonnet-4-20250514, api_key: "\${ANTHROPIC_API_KEY}", max_tokens: 4096 }
# openai: { model: gpt-4o, api_key: "\${OPENAI_API_KEY}" }
gateway: { host: 127.0.0.1, port: 18789 }
# channels:
#   telegram: { token: "\${TELEGRAM_BOT_TOKEN}", dm: pairing }
`;

/**
 * Creates what is missing; returns exactly what it created (the home folder itself only when it
 * did not exist), so the caller tells the user no more than happened.
 */
export function ensureHome(home: string): string[] {
  const created: string[] = [];
  if (!existsSync(home)) {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    chmodSync(home, 0o700);
    created.push(home);
  }
  const paths = homePaths(home);
  for (const [file, text] of [[paths.policy, DEFAULT_POLICY_YAML], [paths.config, DEFAULT_CONFIG_YAML]] as const) {
    if (existsSync(file)) continue;
    writeFileAtomic(file, text, 0o600);
    created.push(file);
  }
  if (!existsSync(paths.skills)) {
    mkdirSync(paths.skills, { mode: 0o700 });
    created.push(paths.skills);
  }
  return created;
}

/**
 * The home folder's mode when group or others may use it, else null. A folder the user made
 * (`mkdir -p`, mode 755) is theirs: it is reported with the command that fixes it (as
 * `moltbot doctor` does), never chmod-ed behind their back.
 */
export function looseHomeMode(home: string): number | null {
  try {
    const mode = statSync(home).mode & 0o777;
    return mode & 0o077 ? mode : null;
  } catch {
    return null;
  }
}
