import { EXIT, fail } from "../../contracts/errors.ts";
import { PERMISSION_KINDS, type PermissionKind } from "../../contracts/permissions.ts";
import { dispatch, parse, requireValue } from "../args.ts";
import { writeOut } from "../output.ts";

const HELP = `Usage: moltbot policy <check|explain|lint> ...

  policy check --skill S --permission KIND [--value V] [--policy F] [--json]
      Decide one permission for a skill, as the sandbox would. S is an installed skill's name
      or a path to a skill folder; KIND is one of ${PERMISSION_KINDS.join(", ")}; V is a
      host[:port], a path, a command or a variable name. Prints the decision
      (allow|prompt|deny|forbidden), the tool's trust level (allow|confirm|forbid) and the rule.
      Exit 0 allow, 3 deny or forbidden, 4 prompt, 2 bad input.
  policy explain <skill> [--policy F] [--json]
      List the skill's effective permissions: declared ∩ granted − denied.
  policy lint [F]
      Validate a policy file (default ~/.moltbot/policy.yaml). Exit 0 valid, 2 not.
`;

export async function policyCommand(argv: string[]): Promise<number> {
  return dispatch("policy", HELP, { check, explain, lint }, argv);
}

async function loadPolicy(path: string | undefined) {
  const { loadPolicyFile } = await import("../../../policy/index.ts");
  const { homePaths, moltbotHome, userHome } = await import("../../home.ts");
  const { resolve } = await import("node:path");
  const home = moltbotHome();
  const paths = homePaths(home);
  // The home's policy is created with safe defaults on first use, as the gateway would.
  if (!path) (await import("../../home-init.ts")).ensureHome(home);
  return loadPolicyFile(path ? resolve(path) : paths.policy, { home: userHome(), cacheDir: paths.cache });
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
  const policy = await loadPolicy(values.policy);
  const { loadSkillArg } = await import("../../skill-resolve.ts");
  const { checkPermission, trustLevel } = await import("../../../policy/index.ts");
  const { userHome } = await import("../../home.ts");
  const { skill } = await loadSkillArg(skillArg);
  const value = values.value === undefined ? undefined : await requestValue(kind as PermissionKind, values.value, userHome());
  const d = checkPermission(policy, skill, { kind: kind as PermissionKind, value }, { home: userHome() });
  const { trust } = trustLevel(policy, skill.name);
  if (values.json) {
    await writeOut(JSON.stringify({ decision: d.decision, trust, rule: d.rule, reason: d.reason }) + "\n");
  } else {
    await writeOut(`${d.decision} (trust: ${trust})\nrule: ${d.rule}\n${d.reason}\n`);
  }
  return d.decision === "allow" ? EXIT.ok : d.decision === "prompt" ? EXIT.confirmation : EXIT.denied;
}

/** Paths are judged as the sandbox judges them: `~` expanded, absolute, symlinks resolved. */
async function requestValue(kind: PermissionKind, value: string, home: string): Promise<string> {
  if (kind !== "read" && kind !== "write") return value;
  const { expandPath, realPathOf } = await import("../../../policy/index.ts");
  const { resolve } = await import("node:path");
  const tilde = value === "~" || value.startsWith("~/");
  return realPathOf(tilde ? expandPath(value, home) : resolve(value));
}

async function explain(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { policy: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, "policy explain");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  const policy = await loadPolicy(values.policy);
  const { loadSkillArg } = await import("../../skill-resolve.ts");
  const { explainSkill, trustLevel } = await import("../../../policy/index.ts");
  const { userHome } = await import("../../home.ts");
  const { skill } = await loadSkillArg(requireValue(positionals[0], "<skill>", "policy explain"));
  const explained = explainSkill(policy, skill, { home: userHome() });
  const trust = trustLevel(policy, skill.name);
  if (values.json) {
    await writeOut(JSON.stringify({ ok: true, output: { skill: skill.name, trust, permissions: explained } }) + "\n");
    return EXIT.ok;
  }
  let text = `${skill.name}: trust ${trust.trust} (${trust.rule})\n`;
  if (explained.length === 0) text += "  declares no host permissions\n";
  for (const k of explained) {
    text += `  ${k.kind}:\n`;
    for (const e of k.entries) text += `    ${String(e.value).padEnd(32)} ${e.decision.padEnd(9)} ${e.rule}\n`;
  }
  await writeOut(text);
  return EXIT.ok;
}

async function lint(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, "policy lint");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  await loadPolicy(positionals[0]);
  await writeOut(values.json ? JSON.stringify({ ok: true, output: { valid: true } }) + "\n" : `policy is valid\n`);
  return EXIT.ok;
}
