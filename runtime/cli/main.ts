#!/usr/bin/env bun
// The `moltbot` command. Subcommands are imported lazily so that `--version` and
// `policy check` do not pay for the gateway, the sandbox or the skill loader.
import { EXIT } from "../contracts/errors.ts";
import { exitAfterFlush, exitWhenReaderGoes, reportError, writeOut } from "./output.ts";
import pkg from "../../package.json" with { type: "json" };

const HELP = `moltbot ${pkg.version} — a local-first AI assistant whose skills run sandboxed

Usage: moltbot [command] [options]

Commands:
  gateway                 start the gateway (the default command)
  chat                    talk to the assistant in the terminal (through the running gateway)
  skill run <dir|name>    run one skill through policy, sandbox and audit
  skill lint <dir>        check a skill folder's manifest (--strict for spec conformance)
  skill list | info <n>   built-in and installed skills, and one skill's manifest
  skill install | remove | verify   manage skills under ~/.moltbot/skills (skills.lock)
  policy check            decide one permission for a skill (allow|prompt|deny|forbidden)
  policy explain <skill>  list a skill's effective permissions
  policy lint [file]      validate a policy file
  audit verify            check the audit log's hash chain
  audit tail              show the newest audit entries
  pairing list|approve    admit unknown DM senders: pairing approve <channel> <code>
  identity link|list      one person across channels: identity link telegram:1 matrix:@me:x
  doctor                  check config, policy, model, channels, skills, tools and the audit log
  memory search <words>   search profiles, daily notes and transcripts (memory reindex|show)
  node --gateway URL      run this device's skills for a gateway, under this device's policy

Options:
  -h, --help              help for moltbot or for a command (moltbot skill run --help)
  -v, --version           print the version

Home directory: ~/.moltbot, or $MOLTBOT_HOME (config.yaml, policy.yaml, skills/, audit.jsonl).
Exit codes: 0 ok, 1 skill/runtime error, 2 invalid input, 3 permission denied or forbidden,
4 confirmation required or rejected, 5 timeout or resource limit.
`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  gateway: async () => (await import("./commands/gateway.ts")).gatewayCommand,
  chat: async () => (await import("./commands/chat.ts")).chatCommand,
  skill: async () => (await import("./commands/skill.ts")).skillCommand,
  policy: async () => (await import("./commands/policy.ts")).policyCommand,
  audit: async () => (await import("./commands/audit.ts")).auditCommand,
  doctor: async () => (await import("./commands/doctor.ts")).doctorCommand,
  pairing: async () => (await import("./commands/pairing.ts")).pairingCommand,
  identity: async () => (await import("./commands/identity.ts")).identityCommand,
  memory: async () => (await import("./commands/memory.ts")).memoryCommand,
  node: async () => (await import("./commands/node.ts")).nodeCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "-v" || first === "--version" || first === "version") {
    await writeOut(`moltbot ${pkg.version}\n`);
    return EXIT.ok;
  }
  if (first === "-h" || first === "--help" || first === "help") {
    await writeOut(HELP);
    return EXIT.ok;
  }
  const name = first === undefined || first.startsWith("-") ? "gateway" : first;
  const args = first === undefined || first.startsWith("-") ? argv : rest;
  const load = COMMANDS[name];
  if (!load) {
    return reportError(
      { code: "invalid_input", message: `unknown command '${name}'`, hint: "run 'moltbot --help' for the list of commands" },
      argv.includes("--json"),
    );
  }
  try {
    return await (await load())(args);
  } catch (err) {
    if (process.env.MOLTBOT_DEBUG && err instanceof Error) console.error(err.stack);
    return reportError(err, args.includes("--json"));
  }
}

if (import.meta.main) {
  exitWhenReaderGoes();
  const code = await main(process.argv.slice(2));
  // The gateway keeps running; every other command exits with its code once output is flushed.
  if (code >= 0) await exitAfterFlush(code);
}
