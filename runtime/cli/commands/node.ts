// `moltbot node`: this device becomes a remote node of a gateway (DESIGN §9) — it advertises its
// skills and runs the gateway's tool calls under its own policy and audit log.
import { EXIT, exitCodeFor, fail } from "../../contracts/errors.ts";
import { parse, requireValue } from "../args.ts";
import { writeErr, writeOut } from "../output.ts";

const HELP = `Usage: moltbot node --gateway URL --name N [--token T] [--policy F] [--audit F] [--accept-approvals] [--yes]

Connects this device to a Moltbot gateway as a node: it advertises its built-in and installed
skills, and runs the calls the gateway sends under THIS device's policy and audit log (the
gateway's checks are not trusted). Reconnects with backoff when the gateway goes away.
  --gateway URL   the gateway, e.g. ws://host:18789 (or http://host:18789)
  --token T       the gateway's token (default: $MOLTBOT_TOKEN)
  --name N        this node's name (letters, digits, '_', '.', '-'; default: the host name)
  --policy F      policy file (default ~/.moltbot/policy.yaml)
  --audit F       audit log (default ~/.moltbot/audit.jsonl)
  --accept-approvals
                  trust the gateway to relay the user's yes for tools this node's policy asks
                  about (the user approved that very call at the gateway); never for denied or
                  forbidden ones, nor for permission prompts inside the sandbox. The node's audit
                  records user_approved: true and the approving gateway user.
  --yes           answer yes to confirmations and permission prompts; without it (and
                  --accept-approvals) they are denied, as a node has nobody to ask (never
                  overrides a deny or forbidden)
  -h, --help      this help

A node runs until stopped, so it has no --json.

Stops on Ctrl-C (SIGINT) or SIGTERM with exit 0: it takes no new calls, lets running ones
finish for up to 5 s, then cancels the rest (audited as cancelled). A refused token exits 3.
`;

export async function nodeCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    gateway: { type: "string" }, token: { type: "string" }, name: { type: "string" },
    policy: { type: "string" }, audit: { type: "string" }, "accept-approvals": { type: "boolean" }, yes: { type: "boolean", short: "y" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
  }, "node");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  if (values.json) fail("invalid_input", "node runs until stopped; --json is not available", "its progress is printed as text: one line per connection change");
  const url = requireValue(values.gateway, "--gateway URL", "node");
  try {
    if (!/^(wss?|https?):$/.test(new URL(url).protocol)) throw new Error();
  } catch {
    fail("invalid_input", "node: --gateway must be a ws://, wss://, http:// or https:// URL", "e.g. --gateway ws://127.0.0.1:18789");
  }
  const name = values.name ?? (await import("node:os")).hostname().split(".")[0] ?? "node";
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) fail("invalid_input", "node: --name must be 1-64 letters, digits, '_', '.' or '-'", "e.g. --name laptop");
  const token = values.token ?? (process.env.MOLTBOT_TOKEN || undefined);
  const yes = Boolean(values.yes);
  const acceptApprovals = Boolean(values["accept-approvals"]);

  const { openRuntime } = await import("../../main.ts");
  const { homePaths, moltbotHome } = await import("../../home.ts");
  const { resolve } = await import("node:path");
  const { nodeSkills, startNodeLink } = await import("../../node/index.ts");
  const { auditFlagError } = await import("./audit-flag.ts");
  const rt = await openRuntime({ policyPath: values.policy, auditPath: values.audit }).catch((err) => {
    throw auditFlagError(err, values.audit);
  });
  const skills = nodeSkills(
    { pool: rt.pool, policy: rt.policy, audit: rt.audit, home: rt.userHome, skillsDir: homePaths(moltbotHome()).skills, ...(rt.config.mail ? { mail: rt.config.mail } : {}), credentials: rt.config.credentials },
    { name, yes, acceptApprovals, policyFile: values.policy ? resolve(values.policy) : homePaths(moltbotHome()).policy },
  );
  const link = startNodeLink({
    url, name, ...(token ? { token } : {}),
    advertise: async () => {
      const ad = await skills.advertise();
      for (const p of skills.problems) void writeErr(`warning: skipped skill: ${p}\n`);
      return ad;
    },
    invoke: (req, signal) => skills.invoke(req, signal),
    onConnected: ({ skills: n, reconnected }) => void writeOut(`moltbot node ${name} ${reconnected ? "reconnected" : "connected"} to ${url} (${n} skills${yes ? ", prompts answered yes" : acceptApprovals ? ", approvals relayed by the gateway accepted" : ""})\n`),
    onDisconnected: ({ reason, retryInMs }) => void writeErr(`node ${name}: ${reason}; retrying in ${(retryInMs / 1000).toFixed(1)} s\n`),
  });
  const stop = async (signal: string) => {
    const running = link.inFlight;
    await writeErr(`received ${signal}, stopping node ${name}${running > 0 ? ` (letting ${running} running call${running === 1 ? "" : "s"} finish, at most 5 s)` : ""}\n`);
    await link.stop();
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  const refused = await link.done;
  await rt.close();
  if (!refused) return EXIT.ok;
  // One line: the gateway's words (never the token) and what to do.
  await writeErr(`error: the gateway at ${url} refused node ${name}: ${refused.message} (pass the gateway's token with --token or MOLTBOT_TOKEN)\n`);
  return exitCodeFor(refused.code);
}
