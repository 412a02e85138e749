import { EXIT, exitCodeFor, fail, toMoltError } from "../../contracts/errors.ts";
import { dispatch, parse, requireValue } from "../args.ts";
import { formatError, reportError, writeErr, writeOut } from "../output.ts";

const HELP = `Usage: moltbot skill <run|lint|list|info> ...

  skill run <dir|name> --params '<json>' [--policy F] [--audit F] [--yes] [--json]
      Run one skill: validate its parameters, apply the policy (trust level and permissions),
      ask for confirmation when needed, execute it in the sandbox and write an audit entry.
      --params JSON   the tool parameters (default {})
      --policy F      policy file (default ~/.moltbot/policy.yaml)
      --audit F       audit log (default ~/.moltbot/audit.jsonl)
      --yes           answer yes to every confirmation and permission prompt of this run
                      (never to a deny or forbidden)
      --json          print {ok, output} or {ok:false, error} on stdout
  skill lint <dir> [--strict] [--json]
      Check a skill folder's manifest and its imports without running anything. Exit 0
      loadable (warnings on stderr), 2 not loadable. --strict applies the Agent Skills spec to
      SKILL.md. A skill may import only files in its own folder (./util.js): an import of a
      package ("lodash"), a node: or bun: module or a path outside the folder is an error.
  skill list [--installed] [--json]
                               built-in skills and those installed under ~/.moltbot/skills
  skill info <dir|name> [--json]
  skill install <dir> [--strict] [--force] [--json]
      Validate a skill folder as skill lint does (nothing is run) and copy it to
      ~/.moltbot/skills/<name>, recording version, source and content hash in
      ~/.moltbot/skills.lock. A built-in skill's name cannot be taken. If anything fails,
      nothing changes. An installed skill is updated only from the same source at the same or
      a higher version; replacing it from another source or with an older version (policy.yaml's
      skills.<name> block would then apply to it) is refused (exit 2) unless --force is given.
  skill remove <name> [--json] delete an installed skill and its lock entry
  skill verify [--json]        compare installed skills with skills.lock; exit 1 if any was
                               modified or is missing

Exit codes: 0 ok, 1 skill error, 2 invalid input, 3 denied or forbidden, 4 confirmation
required or rejected, 5 timeout or resource limit.
`;

export async function skillCommand(argv: string[]): Promise<number> {
  return dispatch("skill", HELP, { run, lint, list, info, install, remove, verify }, argv);
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    params: { type: "string" }, policy: { type: "string" }, audit: { type: "string" },
    yes: { type: "boolean", short: "y" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
  }, "skill run");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  const json = Boolean(values.json);
  const target = requireValue(positionals[0], "<dir|name>", "skill run");
  let params: unknown = {};
  if (values.params !== undefined) {
    try {
      params = JSON.parse(values.params);
    } catch (err) {
      fail("invalid_params", `--params is not valid JSON: ${(err as Error).message}`, `quote it for the shell, e.g. --params '{"name":"value"}'`);
    }
  }
  const { loadSkillArg, openRuntime } = await import("../../main.ts");
  const { runSkill } = await import("../../runner/run-skill.ts");
  const { askYesNo, describeParams } = await import("../ask.ts");
  const { skill, warnings } = await loadSkillArg(target);
  for (const w of warnings) await writeErr(`warning: ${w.file}${w.field ? `: ${w.field}` : ""}: ${w.message}\n`);
  const { auditFlagError } = await import("./audit-flag.ts");
  const rt = await openRuntime({ policyPath: values.policy, auditPath: values.audit }).catch((err) => {
    throw auditFlagError(err, values.audit);
  });
  try {
    const yes = Boolean(values.yes);
    const report = await runSkill(skill, params, {
      pool: rt.pool, policy: rt.policy, audit: rt.audit, home: rt.userHome,
      context: { channel: "cli", user: `cli:${process.env.USER ?? "local"}`, node: "local" },
      ...(rt.config.mail ? { mail: rt.config.mail } : {}),
      credentials: rt.config.credentials,
      confirm: async (req) => (yes ? true : askYesNo(`Run ${req.tool} with ${describeParams(req.params)}?\n  (${req.reason})\n`)),
      prompt: async (req, decision) => (yes ? true : askYesNo(`${skill.name}: ${decision.reason}. Allow this once?`)),
    });
    for (const line of report.outcome?.logs ?? []) await writeErr(`${line}\n`);
    if (report.result.ok) {
      const out = report.result.output;
      await writeOut(json ? JSON.stringify({ ok: true, output: out }) + "\n" : humanOutput(out));
      return EXIT.ok;
    }
    return reportError(report.result.error, json);
  } finally {
    await rt.close();
  }
}


function humanOutput(out: unknown): string {
  if (typeof out === "string") return out.endsWith("\n") ? out : `${out}\n`;
  return `${JSON.stringify(out, null, 2)}\n`;
}

async function lint(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { strict: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, "skill lint");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  const dir = requireValue(positionals[0], "<dir>", "skill lint");
  const { checkImports, loadSkill } = await import("../../../skills/index.ts");
  const { resolve } = await import("node:path");
  try {
    const { skill, warnings } = await loadSkill(resolve(dir), { strict: Boolean(values.strict) });
    checkImports(skill);
    if (values.json) {
      await writeOut(JSON.stringify({ ok: true, output: { name: skill.name, kind: skill.kind, warnings } }) + "\n");
    } else {
      for (const w of warnings) await writeErr(`warning: ${w.file}${w.field ? `: ${w.field}` : ""}: ${w.message}\n`);
      await writeOut(`${skill.name} ${skill.version}: ${skill.kind} skill, loadable${warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? "s" : ""})` : ""}\n`);
    }
    return EXIT.ok;
  } catch (err) {
    const e = toMoltError(err);
    if (values.json) return reportError(e, true);
    await writeErr(formatError(e));
    return exitCodeFor(e.code) === EXIT.runtime ? EXIT.input : exitCodeFor(e.code);
  }
}

async function list(argv: string[]): Promise<number> {
  const { values } = parse(argv, { installed: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, "skill list");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  const { loadRegistry, BUILTIN_SKILLS } = await import("../../skill-registry.ts");
  const { homePaths, moltbotHome } = await import("../../home.ts");
  const root = homePaths(moltbotHome()).skills;
  const found = await loadRegistry(root, values.installed ? "/nonexistent" : BUILTIN_SKILLS);
  const rows = found.skills.map((s) => ({
    name: s.name, version: s.version, kind: s.kind, source: s.dir.startsWith(BUILTIN_SKILLS) ? "builtin" : "installed", description: s.description,
  }));
  if (values.json) {
    await writeOut(JSON.stringify({ ok: true, output: { skills: rows, errors: found.problems } }) + "\n");
    return EXIT.ok;
  }
  if (rows.length === 0 && found.problems.length === 0) await writeOut(`no skills installed in ${root}\n`);
  for (const r of rows) await writeOut(`${r.name.padEnd(24)} ${r.version.padEnd(10)} ${r.kind.padEnd(12)} ${r.source.padEnd(10)} ${oneLine(r.description)}\n`);
  for (const p of found.problems) await writeErr(`warning: ${p.dir}: ${p.error.message}\n`);
  return EXIT.ok;
}

async function info(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, "skill info");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  const { loadSkillArg } = await import("../../skill-resolve.ts");
  const { skill, warnings } = await loadSkillArg(requireValue(positionals[0], "<dir|name>", "skill info"));
  const output = { ...skill, body: undefined, warnings };
  if (values.json) {
    await writeOut(JSON.stringify({ ok: true, output }) + "\n");
  } else {
    const { parameterLines, permissionLine } = await import("../param-lines.ts");
    await writeOut(
      `${skill.name} ${skill.version} (${skill.kind})\n${skill.description}\nfolder: ${skill.dir}\n` +
      `permissions: ${permissionLine(skill.permissions)}\nparameters:\n${parameterLines(skill.parameters).join("\n")}\n`,
    );
  }
  return EXIT.ok;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

async function installPaths() {
  const { homePaths, moltbotHome } = await import("../../home.ts");
  const { ensureHome } = await import("../../home-init.ts");
  const home = moltbotHome();
  ensureHome(home);
  const paths = homePaths(home);
  return { skillsDir: paths.skills, lockFile: paths.skillsLock };
}

async function install(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    strict: { type: "boolean" }, force: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
  }, "skill install");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  const { installSkill } = await import("../../../skills/install/index.ts");
  const r = await installSkill(requireValue(positionals[0], "<dir>", "skill install"), await installPaths(), {
    strict: Boolean(values.strict), force: Boolean(values.force),
  });
  for (const w of r.warnings) await writeErr(`warning: ${w.file}${w.field ? `: ${w.field}` : ""}: ${w.message}\n`);
  if (r.forced) await writeErr(`warning: --force: ${r.forced.replace(" is installed from ", " was installed from ").replace("; not replacing it", "; replaced it")}\n`);
  if (values.json) await writeOut(JSON.stringify({ ok: true, output: { name: r.skill.name, ...r.entry, replaced: r.replaced, ...(r.previous ? { previous: r.previous } : {}) } }) + "\n");
  else await writeOut(`${r.replaced ? "updated" : "installed"} ${r.skill.name} ${r.entry.version} (${r.entry.sha256.slice(0, 19)}…) in ${r.skill.dir}\n`);
  return EXIT.ok;
}

async function remove(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, "skill remove");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  const { removeSkill } = await import("../../../skills/install/index.ts");
  const name = requireValue(positionals[0], "<name>", "skill remove");
  removeSkill(name, await installPaths());
  await writeOut(values.json ? JSON.stringify({ ok: true, output: { name, removed: true } }) + "\n" : `removed ${name}\n`);
  return EXIT.ok;
}

async function verify(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, "skill verify");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  const { verifySkills } = await import("../../../skills/install/index.ts");
  const results = verifySkills(await installPaths());
  const bad = results.filter((r) => r.state === "modified" || r.state === "missing");
  const error = bad.length === 0 ? undefined : {
    code: "skill_error",
    message: `${bad.length} installed skill(s) differ from skills.lock: ${bad.map((r) => `${r.name} (${r.state})`).join(", ")}`,
    hint: "reinstall them with 'moltbot skill install <dir>'",
  };
  if (values.json) {
    // A failure carries the error of DESIGN §11 and, as on success, every skill's state in output.
    await writeOut(JSON.stringify(error ? { ok: false, error, output: results } : { ok: true, output: results }) + "\n");
  } else {
    if (results.length === 0) await writeOut("no skills installed\n");
    for (const r of results) await writeOut(`${r.name.padEnd(24)} ${r.state}\n`);
    if (error) await writeErr(`error: ${error.message}\nhint: ${error.hint}\n`);
  }
  return bad.length === 0 ? EXIT.ok : EXIT.runtime;
}
