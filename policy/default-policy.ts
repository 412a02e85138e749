// The safe default policy.yaml written on first run (DESIGN §12), and the Policy it parses to.
import { parsePolicy } from "./parse-lazy.ts";
import type { Policy } from "./types.ts";

export const DEFAULT_POLICY_YAML = `# Moltbot permission policy (see DESIGN §5).
# A skill gets what its manifest declares AND this file grants, minus what it denies.
version: 1

# Ask (in your channel or terminal) for permissions a skill declares but this file does not
# grant. With false, such requests are simply denied.
prompt: true

# Tool-level trust: allow without asking, ask first, or never run.
trust:
  allowedWithoutConfirmation: []
  requiresConfirmation: []
  forbidden: []
  default: confirm

confirmation: { timeout: 120s, remember: none }

limits: { timeout: 5s, memory: 64MiB, output: 1MiB, stack: 1MiB }

# Denied for every skill, whatever is granted below; never turned into a prompt.
deny:
  net: ["169.254.169.254"]   # cloud metadata service
  read: ["~/.ssh", "~/.gnupg", "~/.moltbot/config.yaml"]

# Per-skill grants, e.g.
# skills:
#   web_fetch:
#     allow: { net: ["*.wikipedia.org", "api.github.com:443"] }
skills: {}
`;

/** The default policy as data; equal to parsing DEFAULT_POLICY_YAML. */
export function defaultPolicy(): Policy {
  return parsePolicy(DEFAULT_POLICY_YAML, "default policy");
}
