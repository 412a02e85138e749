import { EXIT, fail } from "../../contracts/errors.ts";
import { subcommandArgs } from "../args.ts";
import { writeErr, writeOut } from "../output.ts";
import { auditFlagError } from "./audit-flag.ts";

const HELP = `Usage: moltbot audit <verify|tail> [--audit F] [--json]

  audit verify [--audit F] [--json]
      Check the audit log's hash chain: edits, deletions, reordering, insertions and lines cut
      off the end are all detected. Exit 0 intact, 1 naming the first bad line.
  audit tail [-n N] [--audit F] [--json]
      Show the newest N entries (default 20).

The log is ~/.moltbot/audit.jsonl unless --audit names another file.
`;

export async function auditCommand(argv: string[]): Promise<number> {
  const args = await subcommandArgs("audit", HELP, argv, { audit: { type: "string" }, json: { type: "boolean" }, n: { type: "string", short: "n" } });
  if (typeof args === "number") return args;
  const { sub, values } = args;
  if (sub !== "verify" && sub !== "tail") fail("invalid_input", `audit: unknown subcommand '${sub}'`, "see 'moltbot audit --help'");
  const { homePaths, moltbotHome } = await import("../../home.ts");
  const { resolve } = await import("node:path");
  const paths = homePaths(moltbotHome());
  const file = values.audit ? resolve(values.audit) : paths.audit;
  const audit = await import("../../audit/index.ts");
  const { existsSync } = await import("node:fs");
  try {
    return await (sub === "verify" ? verify : tail)();
  } catch (err) {
    throw auditFlagError(err, values.audit);
  }

  async function verify(): Promise<number> {
    const res = audit.verifyAudit(file, { stateDb: paths.state });
    const hint = "the log was changed outside Moltbot (or cut short by a crash): keep a copy and investigate";
    if (values.json) {
      await writeOut(JSON.stringify(res.ok ? { ok: true, output: res } : { ok: false, error: { code: "audit_invalid", message: `line ${res.line}: ${res.reason}`, hint } }) + "\n");
    } else if (res.ok && res.entries === 0 && !existsSync(file)) {
      await writeOut(`no audit log yet (${file}): nothing to verify\n`);
    } else if (res.ok) {
      for (const w of res.warnings ?? []) await writeErr(`warning: ${w}\n`);
      await writeOut(`audit log intact: ${res.entries} entr${res.entries === 1 ? "y" : "ies"} (${file})\n`);
    } else {
      await writeErr(`error: audit log ${file} is not intact: line ${res.line}: ${res.reason}\nhint: ${hint}\n`);
    }
    return res.ok ? EXIT.ok : EXIT.runtime;
  }

  async function tail(): Promise<number> {
    const n = values.n === undefined ? 20 : Number(values.n);
    if (!Number.isInteger(n) || n < 1) fail("invalid_input", "audit tail: -n must be a positive whole number");
    const entries = audit.tailAudit(file, n);
    if (values.json) await writeOut(JSON.stringify({ ok: true, output: entries }) + "\n");
    else await writeOut(entries.length ? entries.map(audit.formatAuditEntry).join("\n") + "\n" : `no entries in ${file}\n`);
    return EXIT.ok;
  }
}
