// `moltbot identity link|list` (DESIGN §8): one person across channels shares one conversation
// and one memory. Writes state.db directly, so a running gateway sees it on its next message.
import { EXIT, fail } from "../../contracts/errors.ts";
import { subcommandArgs } from "../args.ts";
import { writeOut } from "../output.ts";

const HELP = `Usage: moltbot identity <link|list> [--json]

  identity link <a> <b>
      Make two channel identities the same person, e.g.
      moltbot identity link telegram:123 matrix:@me:example.org
      They then continue one conversation with one memory on every channel. <a> stays the
      canonical identity: its conversation and profile are the ones that continue.
      Identities: telegram:<numeric user id>, matrix:@user:server, signal:+<number> (or the
      account uuid), whatsapp:<phone digits, no +>, webchat:<name given to moltbot chat>.
  identity list
      Show every linked identity and whom it resolves to.
`;

export async function identityCommand(argv: string[]): Promise<number> {
  const args = await subcommandArgs("identity", HELP, argv, { json: { type: "boolean" } });
  if (typeof args === "number") return args;
  const { sub, values, positionals } = args;
  const store = (await import("../session-store.ts")).openSessionStore();
  try {
    if (sub === "link") {
      if (positionals.length !== 2) fail("invalid_input", "identity link: needs exactly two identities", "e.g. moltbot identity link telegram:123 matrix:@me:example.org");
      const [a, b] = positionals as [string, string];
      const { canonical } = store.link(a, b);
      if (values.json) await writeOut(JSON.stringify({ ok: true, output: { canonical, linked: [a, b] } }) + "\n");
      else await writeOut(`linked ${a} and ${b}: both are now ${canonical}\n`);
      return EXIT.ok;
    }
    if (sub === "list") {
      if (positionals.length > 0) fail("invalid_input", "identity list: takes no arguments");
      const links = store.links();
      if (values.json) await writeOut(JSON.stringify({ ok: true, output: links }) + "\n");
      else await writeOut(links.length ? links.map((l) => `${l.user} → ${l.canonical}`).join("\n") + "\n" : "no linked identities\n");
      return EXIT.ok;
    }
    fail("invalid_input", `identity: unknown subcommand '${sub}'`, "see 'moltbot identity --help'");
  } finally {
    store.close();
  }
}
