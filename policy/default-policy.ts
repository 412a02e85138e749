// The safe default policy.yaml written on first run (DESIGN §12), and the Policy it parses to.
import { parsePolicy } from "./parse-lazy.ts";
import type { Policy } from "./types.ts";

export const DEFAULT_POLICY_YAML = `# Moltbot permission policy (see docs/policy.md).
# A skill gets what its manifest declares AND this file grants, minus what it denies.
version: 1

# Ask (in your channel or terminal) for permissions a skill declares but this file does not
# grant. With false, such requests are simply denied.
prompt: true

# Tool-level trust: allow without asking, ask first, or never run. Reading tools run without
# a question (their permissions below still limit what they can read); anything with side
# effects asks you first, every time; some tools never run.
trust:
  allowedWithoutConfirmation: [file_read, file_list, file_search, web_fetch, memory_search,
    email_list, email_read, email_search, calendar_read]
  # memory_write asks too: a note the assistant keeps can steer later conversations, so a
  # web page or an email must not be able to plant one unseen.
  requiresConfirmation: [shell_execute, file_write, email_send, calendar_modify,
    browser_control, camera_access, memory_write]
  forbidden: [system_delete, network_intercept]
  default: confirm

confirmation: { timeout: 120s, remember: none }

limits: { timeout: 5s, memory: 64MiB, output: 1MiB, stack: 1MiB }

# Denied for every skill, whatever is granted below; never turned into a prompt.
deny:
  net: ["169.254.169.254"]   # cloud metadata service
  # Keys, credentials and Moltbot's own secrets.
  read: ["~/.ssh", "~/.gnupg", "~/.moltbot/config.yaml", "~/.moltbot/state.db",
    "~/.aws", "~/.azure", "~/.config/gcloud", "~/.kube", "~/.docker/config.json",
    "~/.netrc", "~/.git-credentials", "~/.config/gh", "~/.password-store"]
  # No skill may rewrite Moltbot's own files (this policy included) or your keys.
  write: ["~/.moltbot", "~/.ssh", "~/.gnupg", "~/.aws", "~/.azure", "~/.config/gcloud",
    "~/.kube", "~/.docker", "~/.netrc", "~/.git-credentials", "~/.config/gh"]

# Per-skill grants. A built-in skill declares a whole kind (e.g. file_read: read) and the
# entries here narrow it; anything else it asks for is put to you as a question (prompt: true).
skills:
  file_read: { allow: { read: ["~"] } }
  file_list: { allow: { read: ["~"] } }
  file_search:
    allow: { read: ["~"] }
    limits: { timeout: 30s }
  # Each write is confirmed; read is for "does it exist" and appending.
  file_write: { allow: { read: ["~"], write: ["~"] } }
  # Each run is confirmed, and that question is the safeguard: a listed program can start any
  # other through its own options or configuration (git -c alias.x='!cmd', core.pager,
  # core.sshCommand), so this list does not limit what can run. Programs not listed are asked
  # about as well. Add sh (run: [..., sh]) to let the assistant run shell scripts (sh -c).
  shell_execute:
    allow:
      run: [git, ls, pwd, echo, cat, head, tail, wc, grep, date, whoami, uname, df, du, which]
      read: ["~"]              # working folders only: a program itself reads what it likes
    limits: { timeout: 60s }
  # web_fetch may reach any public host: you are asked once per host it visits. Grant hosts
  # to skip the question, e.g. allow: { net: ["*.wikipedia.org", "api.github.com:443"] }.
  # Loopback and private addresses are never reached unless granted literally.
  web_fetch:
    limits: { timeout: 20s }
  # Photos and screenshots travel as attachments: more room than the 1 MiB default.
  camera_access:
    allow: { camera: true }    # still asks first: camera_access requires confirmation above
    limits: { output: 8MiB, timeout: 15s }
  browser_control:
    allow: { browser: true }   # each site it visits is asked for (net) unless granted here
    limits: { output: 8MiB, timeout: 30s }
  # Moltbot's own memory (~/.moltbot/memory), reached only through the memory grant, never
  # through file access: search reads it, write adds a fact or a note (asked first, see above).
  memory_search: { allow: { memory: [read] } }
  memory_write: { allow: { memory: [write] } }
`;

/** The default policy as data; equal to parsing DEFAULT_POLICY_YAML. */
export function defaultPolicy(): Policy {
  return parsePolicy(DEFAULT_POLICY_YAML, "default policy");
}
