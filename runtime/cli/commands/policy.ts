import { EXIT, fail } from "../../contracts/errors.ts";
import { BOOLEAN_KINDS, PERMISSION_KINDS, type PermissionDecision, type PermissionKind, type PermissionRequest, type ScopedKind } from "../../contracts/permissions.ts";
import type { PolicySource } from "../../../policy/index.ts";
import type { HostContext } from "../../sandbox/host/types.ts";
import { dispatch, parse, requireValue } from "../args.ts";
import { writeOut } from "../output.ts";

const HELP = `Usage: moltbot policy <check|explain|lint> ...

  policy check --skill S --permission KIND [--value V] [--policy F] [--json]
      Decide one permission for a skill, as the sandbox would. S is an installed skill's name
      or a path to a skill folder; KIND is one of ${PERMISSION_KINDS.join(", ")}; V is a
      host[:port], a path, a command or a variable name (browser and camera take none). Prints
      the decision (allow|prompt|deny|forbidden), the tool's trust level (allow|confirm|forbid)
      and the rule. Files in Moltbot's own home are denied, as the sandbox denies them. For a
      skill holding mail, net of a host it does not declare is judged as its configured mail
      server: by the policy's grants alone, never prompted.
      Exit 0 allow, 3 deny or forbidden, 4 prompt, 2 bad input.
  policy explain <skill> [--policy F] [--json]
      List the skill's effective permissions: declared ∩ granted − denied; for a skill holding
      mail, also the mail server of config.yaml (which must be granted under allow.net).
  policy lint [F]
      Validate a policy file (default ~/.moltbot/policy.yaml). Exit 0 valid, 2 not.
`;

export async function policyCommand(argv: string[]): Promise<number> {
  return dispatch("policy", HELP, { check, explain, lint }, argv);
}

/** `from` says how `path` was given, for the hint when the file is missing. */
async function loadPolicy(path: string | undefined, from: Exclude<PolicySource, "home">) {
  const { loadPolicyFile } = await import("../../../policy/index.ts");
  const { homePaths, moltbotHome, userHome } = await import("../../home.ts");
  const { resolve } = await import("node:path");
  const home = moltbotHome();
  const paths = homePaths(home);
  // The home's policy is created with safe defaults on first use, as the gateway would.
  if (!path) (await import("../../home-init.ts")).ensureHome(home);
  return loadPolicyFile(path ? resolve(path) : paths.policy, { home: userHome(), cacheDir: paths.cache, from: path ? from : "home" });
}

async function check(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    skill: { type: "string" }, permission: { type: "string" }, value: { type: "string" },
    policy: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
  }, "policy check");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  const skillArg = requireValue(values.skill, "--skill", "policy check");
  const kind = requireValue(values.permission, "--permission", "policy check");
  if (!(PERMISSION_KINDS as readonly string[]).includes(kind)) {
    fail("invalid_input", `policy check: --permission must be one of ${PERMISSION_KINDS.join(", ")}, not '${kind}'`);
  }
  const { userHome } = await import("../../home.ts");
  // Bad input is refused before anything is decided: a malformed value is not a denial.
  const value = await requestValue(kind as PermissionKind, values.value, userHome());
  const policy = await loadPolicy(values.policy, "--policy");
  const { loadSkillArg } = await import("../../skill-resolve.ts");
  const { checkPermission, trustLevel } = await import("../../../policy/index.ts");
  const { skill } = await loadSkillArg(skillArg);
  const req: PermissionRequest = { kind: kind as PermissionKind, value };
  let decided = checkPermission(policy, skill, req, { home: userHome() });
  // A skill holding `mail` reaches the mail server of config.yaml without declaring it: the
  // sandbox judges that server by the policy alone, never prompting (host/mail-server.ts).
  if (kind === "net" && value !== undefined && skill.permissions.mail !== undefined && decided.rule === "manifest") {
    const { checkMailServer } = await import("../../../policy/explain.ts");
    decided = checkMailServer(policy, skill, value, { home: userHome() });
  }
  const d = await asSandbox(req, decided);
  const { trust } = trustLevel(policy, skill.name);
  if (values.json) {
    await writeOut(JSON.stringify({ decision: d.decision, trust, rule: d.rule, reason: d.reason }) + "\n");
  } else {
    await writeOut(`${d.decision} (trust: ${trust})\nrule: ${d.rule}\n${d.reason}\n`);
  }
  return d.decision === "allow" ? EXIT.ok : d.decision === "prompt" ? EXIT.confirmation : EXIT.denied;
}

/**
 * The request's value, checked: a usage error (exit 2) naming --value and the form expected
 * when it is missing or malformed. Paths are judged as the sandbox judges them: `~` expanded,
 * absolute, symlinks resolved.
 */
async function requestValue(kind: PermissionKind, given: string | undefined, home: string): Promise<string | undefined> {
  const usage = (message: string): never => fail("invalid_input", `policy check: ${message}`, "see 'moltbot policy check --help'");
  if ((BOOLEAN_KINDS as readonly string[]).includes(kind)) {
    if (given !== undefined) usage(`--value is not taken with --permission ${kind}, which is granted whole (true or false)`);
    return undefined;
  }
  const { REQUEST_EXPECTED, expandPath, parseScopedRequest, quote, realPathOf } = await import("../../../policy/index.ts");
  const expected = REQUEST_EXPECTED[kind as ScopedKind];
  if (given === undefined || given === "") return usage(`--value is required with --permission ${kind}; expected ${expected}`);
  let value = given;
  if (kind === "read" || kind === "write") {
    const { resolve } = await import("node:path");
    const tilde = value === "~" || value.startsWith("~/");
    if (!value.includes("\0")) value = realPathOf(tilde ? expandPath(value, home) : resolve(value));
  }
  if (parseScopedRequest(kind as ScopedKind, value, { home }) === null) usage(`--value ${quote(given)} is not a valid ${kind} value; expected ${expected}`);
  return value;
}

/**
 * The decision as the sandbox would take it: its guard (safeCheck) also denies any file inside
 * Moltbot's own home, whatever the policy grants. A forbidden tool stays forbidden: it never
 * runs, so no file access of it is ever checked.
 */
async function asSandbox(req: PermissionRequest, d: PermissionDecision): Promise<PermissionDecision> {
  if (d.decision === "forbidden") return d;
  const { protectFolders, safeCheck } = await import("../../sandbox/host/guard.ts");
  const { moltbotHome } = await import("../../home.ts");
  // The folders skill runs protect (runner/run-skill.ts), judged by the guard's own code.
  protectFolders([moltbotHome()]);
  const host = { check: () => d } as Pick<HostContext, "check"> as HostContext;
  return safeCheck(host, req);
}

async function explain(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { policy: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, "policy explain");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  const policy = await loadPolicy(values.policy, "--policy");
  const { loadSkillArg } = await import("../../skill-resolve.ts");
  const { explainSkill, trustLevel } = await import("../../../policy/index.ts");
  const { userHome } = await import("../../home.ts");
  const { skill } = await loadSkillArg(requireValue(positionals[0], "<skill>", "policy explain"));
  const explained = explainSkill(policy, skill, { home: userHome() }, skill.permissions.mail === undefined ? {} : await mailServers());
  const trust = trustLevel(policy, skill.name);
  if (values.json) {
    await writeOut(JSON.stringify({ ok: true, output: { skill: skill.name, trust, permissions: explained } }) + "\n");
    return EXIT.ok;
  }
  let text = `${skill.name}: trust ${trust.trust} (${trust.rule})\n`;
  if (explained.length === 0) text += "  declares no host permissions\n";
  for (const k of explained) {
    text += k.server ? `  ${k.kind} (the configured ${k.server.toUpperCase()} server, never prompted):\n` : `  ${k.kind}:\n`;
    for (const e of k.entries) text += `    ${String(e.value).padEnd(32)} ${e.decision.padEnd(9)} ${e.rule}\n`;
    if (k.note) text += `    note: ${k.note}\n`;
  }
  await writeOut(text);
  return EXIT.ok;
}

/** The mail servers of config.yaml as `net` values, as the sandbox writes them; none when the
 *  config cannot be read (explain then says what any configured server needs). */
async function mailServers(): Promise<Partial<Record<"imap" | "smtp", string>>> {
  const { loadConfig } = await import("../../config/load-config.ts");
  const { homePaths, moltbotHome } = await import("../../home.ts");
  const { normalizeHost } = await import("../../../policy/index.ts");
  const { withPort } = await import("../../sandbox/host/net-target.ts");
  let mail;
  try {
    mail = loadConfig(homePaths(moltbotHome()).config).mail;
  } catch {
    return {};
  }
  const out: Partial<Record<"imap" | "smtp", string>> = {};
  for (const which of ["imap", "smtp"] as const) {
    const server = mail?.[which];
    const host = server ? normalizeHost(String(server.host ?? "").replace(/^\[(.*)\]$/, "$1")) : null;
    const port = Number(server?.port);
    if (host !== null && Number.isInteger(port) && port >= 1 && port <= 65535) out[which] = withPort(host, port).value;
  }
  return out;
}

async function lint(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, "policy lint");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  await loadPolicy(positionals[0], "argument");
  await writeOut(values.json ? JSON.stringify({ ok: true, output: { valid: true } }) + "\n" : `policy is valid\n`);
  return EXIT.ok;
}
