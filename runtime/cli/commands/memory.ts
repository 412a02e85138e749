import { EXIT, fail } from "../../contracts/errors.ts";
import { parse } from "../args.ts";
import { writeOut } from "../output.ts";

const HELP = `Usage: moltbot memory <reindex|search|show> [--json]

  memory reindex [--json]
      Rebuild the search index from the Markdown files (the files are the truth; the index
      also catches up by itself whenever they change).
  memory search <words...> [--limit N] [--user ID] [--json]
      Full-text search over profiles, daily notes, transcripts and notes (default 10 results).
      --user leaves out other users' profiles and conversations.
  memory show <user> [--json]
      Print a user's profile, e.g. moltbot memory show telegram:123.

Memory lives in ~/.moltbot/memory/ (users/, daily/, sessions/, notes/); edit it freely.
`;

export async function memoryCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    json: { type: "boolean" }, limit: { type: "string" }, user: { type: "string" }, help: { type: "boolean", short: "h" },
  }, `memory ${sub ?? ""}`.trim());
  if (sub === undefined || sub === "help" || sub === "-h" || sub === "--help" || values.help) {
    await writeOut(HELP);
    return sub === undefined ? EXIT.input : EXIT.ok;
  }
  if (!["reindex", "search", "show"].includes(sub)) fail("invalid_input", `memory: unknown subcommand '${sub}'`, "see 'moltbot memory --help'");
  const { homePaths, moltbotHome } = await import("../../home.ts");
  const { MemoryStore } = await import("../../../memory/index.ts");
  const store = new MemoryStore(homePaths(moltbotHome()).memory);
  try {
    if (sub === "reindex") {
      const res = await store.reindex();
      await writeOut(values.json ? JSON.stringify({ ok: true, output: res }) + "\n" : `indexed ${res.files} file${res.files === 1 ? "" : "s"} in ${store.root}\n`);
      return EXIT.ok;
    }
    if (sub === "search") {
      const query = positionals.join(" ").trim();
      if (query === "") fail("invalid_input", "memory search: give some words to look for", "e.g. moltbot memory search dentist");
      const limit = values.limit === undefined ? 10 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) fail("invalid_input", "memory search: --limit must be a whole number from 1 to 100", "e.g. --limit 5");
      const hits = await store.search(query, { limit, ...(values.user ? { user: values.user } : {}) });
      if (values.json) await writeOut(JSON.stringify({ ok: true, output: hits }) + "\n");
      else if (hits.length === 0) await writeOut(`no matches for "${query}"\n`);
      else await writeOut(hits.map((h) => `${h.path}  (${h.title})\n  ${h.snippet.replace(/\s*\n\s*/g, " ").trim()}\n`).join(""));
      return EXIT.ok;
    }
    const user = positionals[0];
    if (user === undefined || positionals.length > 1) fail("invalid_input", "memory show: give exactly one user id", "e.g. moltbot memory show telegram:123");
    const profile = await store.readProfile(user);
    if (profile === null) fail("not_found", `memory show: no profile for '${user.slice(0, 80)}'`, `profiles are in ${store.root}/users/`);
    await writeOut(values.json ? JSON.stringify({ ok: true, output: { user, profile } }) + "\n" : profile);
    return EXIT.ok;
  } finally {
    store.close();
  }
}
