// What the moltbot command says about config.yaml and policy.yaml mistakes, and how `policy
// check` judges a request: as the sandbox would, with bad input refused as bad input (exit 2).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
// A home of its own for the broken config.yaml files, so the other tests run with none.
const cfg = new Sandbox();
afterAll(() => {
  sb.cleanup();
  cfg.cleanup();
});

const FILE_READ = join(ROOT, "skills/builtin/file_read");
const echo = sb.skill("echo", { parameters: { n: { type: "number" } } }, { "main.js": "export default async ({ n }) => n * 2;" });
const open = sb.file("open-policy.yaml", "version: 1\ntrust: { default: allow }\n");
const audit = join(sb.dir, "audit.jsonl");

/** `skill run echo` with the home's config.yaml set to `config` (and extra environment). */
async function runWithConfig(config: string, env: Record<string, string> = {}) {
  mkdirSync(cfg.home, { recursive: true, mode: 0o700 });
  writeFileSync(join(cfg.home, "config.yaml"), config);
  return cfg.run(["skill", "run", echo, "--params", '{"n":21}', "--policy", open, "--audit", audit], env);
}

const firstLine = (s: string) => s.split("\n")[0] ?? "";

describe("config.yaml: ${VAR} in number and boolean fields", () => {
  test("a port and a step count from the environment are numbers", async () => {
    const r = await runWithConfig("gateway:\n  port: ${PORT}\nagent:\n  max_steps: ${STEPS:-8}\n  guard:\n    enabled: ${GUARD}\n", { PORT: "8080", GUARD: "true" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("42");
  });

  test("a value that is not a number names the field, the variable and the value, exit 2", async () => {
    const r = await runWithConfig("gateway:\n  port: ${PORT}\n", { PORT: "80x" });
    expect(r.code).toBe(2);
    expect(firstLine(r.stderr)).toBe(`error: ${join(cfg.home, "config.yaml")}:2: gateway.port: got the string "80x" from \${PORT}; expected a number`);
    expect(r.stderr).toContain("hint: fix config.yaml; see docs/config.md for the format");
  });

  test("a secret never appears in the message", async () => {
    const r = await runWithConfig("anthropic:\n  api_key: ${ANTHROPIC_API_KEY}\ngateway:\n  port: ${ANTHROPIC_API_KEY}\n", { ANTHROPIC_API_KEY: "sk-ant-very-secret-1234" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("gateway.port: got the value of ${ANTHROPIC_API_KEY} (not shown");
    expect(r.stderr + r.stdout).not.toContain("very-secret");
  });
});

describe("config.yaml: where a mistake is", () => {
  test("a one-line file with an unclosed list is reported on line 1, not past the end", async () => {
    const r = await runWithConfig("ai_provider: [unclosed\n");
    expect(r.code).toBe(2);
    expect(firstLine(r.stderr)).toStartWith(`error: ${join(cfg.home, "config.yaml")}:1: invalid YAML:`);
  });

  test("a duplicate key is named by its path", async () => {
    const r = await runWithConfig("channels:\n  telegram:\n    token: a\n    dm: open\n    token: b\n");
    expect(r.code).toBe(2);
    expect(firstLine(r.stderr)).toBe(`error: ${join(cfg.home, "config.yaml")}:5: invalid YAML: duplicate key channels.telegram.token; each key may appear only once`);
  });
});

describe("policy.yaml: mistakes", () => {
  const lint = (text: string) => sb.run(["policy", "lint", sb.file("lint-policy.yaml", text)]);

  test("a duplicate skill is named by its path", async () => {
    const r = await lint("version: 1\nskills:\n  web_fetch: {}\n  file_read: {}\n  web_fetch: { allow: { net: [\"*.com\"] } }\n");
    expect(r.code).toBe(2);
    expect(firstLine(r.stderr)).toEndWith("lint-policy.yaml:5: invalid YAML: duplicate key skills.web_fetch; each key may appear only once");
    expect(r.stderr).toContain("hint: fix policy.yaml; see docs/policy.md for the format");
  });

  test("sizes the sandbox cannot honour are refused when the file is loaded, with the range", async () => {
    for (const [limit, range] of [["memory: 4GiB", "1MiB to 2GiB"], ["memory: 1KiB", "1MiB to 2GiB"], ["memory: 1B", "1MiB to 2GiB"], ["memory: 8GiB", "1MiB to 2GiB"], ["memory: 1000GiB", "1MiB to 2GiB"], ["stack: 1B", "16KiB to 2GiB"], ["output: 1000GiB", "1B to 2GiB"]] as const) {
      const r = await lint(`version: 1\nlimits: { ${limit} }\n`);
      expect(r.code).toBe(2);
      expect(firstLine(r.stderr)).toContain(`limits.${limit.split(":")[0]}: "${limit.split(": ")[1]}" is not valid; expected a size like 64MiB or 512KiB, from ${range}`);
    }
  });

  test("a skill run under such a policy stops at the policy (exit 2), not in the sandbox", async () => {
    const policy = sb.file("huge-policy.yaml", "version: 1\ntrust: { default: allow }\nlimits: { memory: 4GiB }\n");
    const r = await sb.run(["skill", "run", echo, "--params", '{"n":1}', "--policy", policy, "--audit", audit, "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "invalid_policy" });
    expect(r.stdout).not.toContain("sandbox failure");
  });

  test("the ends of each range run in the real sandbox", async () => {
    for (const limits of ["memory: 1MiB, stack: 16KiB", "memory: 2GiB, stack: 2GiB, output: 2GiB"]) {
      const policy = sb.file("edge-policy.yaml", `version: 1\ntrust: { default: allow }\nlimits: { ${limits} }\n`);
      const r = await sb.run(["skill", "run", echo, "--params", '{"n":4}', "--policy", policy, "--audit", audit, "--json"]);
      expect(r.stdout).toBe('{"ok":true,"output":8}\n');
      expect(r.code).toBe(0);
    }
  });
});

describe("a missing policy file: the hint fits how it was named", () => {
  test("policy lint F, which has no --policy flag", async () => {
    const r = await sb.run(["policy", "lint", "/nonexistent-moltbot.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: policy file /nonexistent-moltbot.yaml not found\nhint: check the path given; without one, the policy.yaml in Moltbot's home is used\n");
  });

  test("--policy F on skill run and policy check", async () => {
    const run = await sb.run(["skill", "run", echo, "--policy", "/nonexistent-moltbot.yaml", "--audit", audit]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("error: policy file /nonexistent-moltbot.yaml not found\nhint: check the path given to --policy\n");
    const check = await sb.run(["policy", "check", "--skill", echo, "--permission", "net", "--value", "a.com", "--policy", "/nonexistent-moltbot.yaml"]);
    expect(check.code).toBe(2);
    expect(check.stderr).toBe("error: policy file /nonexistent-moltbot.yaml not found\nhint: check the path given to --policy\n");
  });
});

describe("policy check decides as the sandbox would", () => {
  const grantAll = sb.file("grant-all.yaml", "version: 1\nprompt: false\ntrust: { default: allow }\nskills:\n  file_read: { allow: { read: [\"/\"] } }\n");
  const check = (value: string, extra: Record<string, string> = {}) =>
    sb.run(["policy", "check", "--skill", FILE_READ, "--permission", "read", "--value", value, "--policy", grantAll, "--json"], extra);

  test("a file in Moltbot's home is denied with the guard's rule, as skill run denies it", async () => {
    mkdirSync(sb.home, { recursive: true, mode: 0o700 });
    writeFileSync(join(sb.home, "policy.yaml"), "version: 1\n");
    const r = await check(join(sb.home, "policy.yaml"));
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ decision: "deny", rule: "moltbot home" });
    expect(out.reason).toContain("inside Moltbot's own folder");

    const run = await sb.run(["skill", "run", FILE_READ, "--params", JSON.stringify({ path: join(sb.home, "policy.yaml") }), "--policy", grantAll, "--audit", audit, "--json"]);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout).error.message).toContain("inside Moltbot's own folder");
  });

  test("also through a link from outside, and for the home itself", async () => {
    const link = join(sb.userHome, "innocent.yaml");
    symlinkSync(join(sb.home, "policy.yaml"), link);
    for (const value of [link, sb.home, `${sb.home}/../moltbot/x`]) {
      const r = await check(value);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout).rule).toBe("moltbot home");
    }
  });

  test("a file outside it is still allowed by the grant", async () => {
    writeFileSync(join(sb.userHome, "notes.txt"), "x");
    const r = await check("~/notes.txt");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ decision: "allow", rule: "skills.file_read.allow.read[0]" });
  });
});

describe("policy check: a missing or malformed --value is bad input, exit 2", () => {
  const skill = sb.skill("fetcher", { permissions: { net: ["api.example.com"], env: ["TOKEN_*"], read: ["/tmp"] } }, { "main.js": "export default async () => 1;" });
  const check = (permission: string, value?: string) =>
    sb.run(["policy", "check", "--skill", skill, "--permission", permission, ...(value === undefined ? [] : ["--value", value]), "--policy", open]);

  const CASES: [string, string | undefined, string][] = [
    ["net", "http://a.com/", 'policy check: --value "http://a.com/" is not a valid net value; expected host or host:port such as example.org:443'],
    ["net", "a.com:99999", 'policy check: --value "a.com:99999" is not a valid net value; expected host or host:port such as example.org:443'],
    ["net", "a b", 'policy check: --value "a b" is not a valid net value; expected host or host:port such as example.org:443'],
    ["net", "*.example.com", 'policy check: --value "*.example.com" is not a valid net value; expected host or host:port such as example.org:443'],
    ["net", undefined, "policy check: --value is required with --permission net; expected host or host:port such as example.org:443"],
    ["net", "", "policy check: --value is required with --permission net; expected host or host:port such as example.org:443"],
    ["read", "", "policy check: --value is required with --permission read; expected a path such as ~/notes or /etc/hosts"],
    ["env", "NOT-A-NAME", 'policy check: --value "NOT-A-NAME" is not a valid env value; expected a variable name such as HOME'],
    ["run", "git status", 'policy check: --value "git status" is not a valid run value; expected a command name such as git, or an absolute path such as /usr/bin/git'],
    ["mail", "write", 'policy check: --value "write" is not a valid mail value; expected read or send'],
    ["camera", "/dev/video0", "policy check: --value is not taken with --permission camera, which is granted whole (true or false)"],
  ];

  test.each(CASES)("--permission %s --value %p", async (permission, value, message) => {
    const r = await check(permission, value);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`error: ${message}\nhint: see 'moltbot policy check --help'\n`);
    expect(r.code).toBe(2);
  });

  test("well-formed values still decide: allow 0, prompt 4, deny 3", async () => {
    expect((await check("net", "api.example.com")).code).toBe(4);
    expect((await check("net", "example.org:443")).code).toBe(3);
    expect((await check("camera")).code).toBe(3);
  });
});
