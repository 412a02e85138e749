// `moltbot pairing list|approve` (DESIGN §8): admit an unknown direct-message sender by the code
// the bot sent them. Writes state.db directly, so the running gateway admits them without a
// restart; their earlier held message is not replayed.
import { EXIT, fail } from "../../contracts/errors.ts";
import { subcommandArgs } from "../args.ts";
import { writeOut } from "../output.ts";

const HELP = `Usage: moltbot pairing <list|approve> [--json]

  pairing list
      Pending pairing codes (valid 1 hour) and the senders already admitted.
  pairing approve <channel> <code>
      Admit the sender who received <code> on <channel>, e.g. moltbot pairing approve telegram 7KQ2M9XA.
      Exit 2 when the code is unknown or has expired.
`;

export async function pairingCommand(argv: string[]): Promise<number> {
  const args = await subcommandArgs("pairing", HELP, argv, { json: { type: "boolean" } });
  if (typeof args === "number") return args;
  const { sub, values, positionals } = args;
  const store = (await import("../session-store.ts")).openSessionStore();
  try {
    if (sub === "approve") {
      if (positionals.length !== 2) fail("invalid_input", "pairing approve: needs <channel> <code>", "e.g. moltbot pairing approve telegram 7KQ2M9XA");
      const [channel, code] = positionals as [string, string];
      const { userId } = store.approvePairing(channel, code);
      if (values.json) await writeOut(JSON.stringify({ ok: true, output: { channel, userId } }) + "\n");
      else await writeOut(`admitted ${userId} on ${channel}\n`);
      return EXIT.ok;
    }
    if (sub === "list") {
      if (positionals.length > 0) fail("invalid_input", "pairing list: takes no arguments");
      const entries = store.listPairing();
      if (values.json) await writeOut(JSON.stringify({ ok: true, output: entries }) + "\n");
      else if (entries.length === 0) await writeOut("no pending pairing codes\n");
      else {
        const line = (e: (typeof entries)[number]) =>
          e.state === "pending" ? `${e.channel}  ${e.userId}  code ${e.code}  expires ${e.expiresAt}` : `${e.channel}  ${e.userId}  admitted`;
        await writeOut(entries.map(line).join("\n") + "\n");
      }
      return EXIT.ok;
    }
    fail("invalid_input", `pairing: unknown subcommand '${sub}'`, "see 'moltbot pairing --help'");
  } finally {
    store.close();
  }
}
