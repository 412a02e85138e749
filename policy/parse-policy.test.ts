import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { MoltFailure } from "../runtime/contracts/errors.ts";
import { DEFAULT_POLICY_YAML, defaultPolicy } from "./default-policy.ts";
import { parsePolicy } from "./parse-policy.ts";

function errorOf(text: string): string {
  try {
    parsePolicy(text);
  } catch (err) {
    expect(err).toBeInstanceOf(MoltFailure);
    expect((err as MoltFailure).error.code).toBe("invalid_policy");
    return (err as MoltFailure).error.message;
  }
  throw new Error("policy was accepted");
}

const WEB = "version: 1\nskills:\n  web_fetch:\n    allow:\n      net:\n";

// [name, policy text, exact message]
const ERRORS: [string, string, string][] = [
  ["empty file", "", "policy.yaml: file is empty; expected a policy with at least `version: 1`"],
  ["only comments", "# nothing\n\n", "policy.yaml: file is empty; expected a policy with at least `version: 1`"],
  ["several documents", "version: 1\n---\nversion: 1\n", "policy.yaml:2: several YAML documents; expected exactly one"],
  ["duplicate key", "version: 1\nprompt: true\nprompt: false\n", "policy.yaml:3: invalid YAML: duplicate key prompt; each key may appear only once"],
  [
    "duplicate nested key",
    "version: 1\nskills:\n  a:\n    allow: { net: [x.com] }\n    allow: { net: [\"*.com\"] }\n",
    "policy.yaml:5: invalid YAML: duplicate key skills.a.allow; each key may appear only once",
  ],
  [
    "duplicate skill",
    "version: 1\nskills:\n  web_fetch: {}\n  other: {}\n  web_fetch: { allow: { net: [\"*.com\"] } }\n",
    "policy.yaml:5: invalid YAML: duplicate key skills.web_fetch; each key may appear only once",
  ],
  [
    "duplicate key in a flow mapping",
    "version: 1\nskills:\n  a:\n    allow: { net: [x.com], net: [y.com] }\n",
    "policy.yaml:4: invalid YAML: duplicate key skills.a.allow.net; each key may appear only once",
  ],
  ["keys that become the same object key", 'version: 1\nskills:\n  "1": {}\n  1: {}\n', "policy.yaml:4: invalid YAML: duplicate key skills.1; each key may appear only once"],
  ["an unclosed list on the only line is reported on that line", "version: [1\n", "policy.yaml:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]"],
  ["an unclosed list on the last line, newline after it", "version: 1\ndeny: { net: [a.com\n", "policy.yaml:2: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]"],
  [
    "alias bomb",
    "version: 1\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    "policy.yaml: YAML aliases expand too far; expected at most 10 alias uses",
  ],
  ["not a mapping", "- version\n- 1\n", "policy.yaml:1: expected a mapping of keys (version, trust, skills, ...)"],
  ["scalar document", "hello\n", "policy.yaml:1: expected a mapping of keys (version, trust, skills, ...)"],
  ["missing version", "prompt: true\n", "policy.yaml:1: version: is required; expected 1"],
  ["wrong version", "# c\nversion: 2\n", "policy.yaml:2: version: got number 2; expected 1"],
  ["version as string", "version: \"1\"\n", "policy.yaml:1: version: got the string \"1\"; expected 1"],
  [
    "unknown top-level key",
    "version: 1\nprompts: true\n",
    "policy.yaml:2: prompts: unknown key \"prompts\"; allowed keys: version, prompt, precedence, trust, confirmation, limits, deny, skills",
  ],
  [
    "unknown trust key",
    "version: 1\ntrust:\n  forbiden: [x]\n",
    "policy.yaml:3: trust.forbiden: unknown key \"forbiden\"; allowed keys: allowedWithoutConfirmation, requiresConfirmation, forbidden, default",
  ],
  [
    "unknown scope kind",
    "version: 1\nskills:\n  web_fetch:\n    allow:\n      nett: []\n",
    "policy.yaml:5: skills.web_fetch.allow.nett: unknown key \"nett\"; allowed keys: net, read, write, run, env, mail, memory, browser, camera",
  ],
  [
    "unknown skill key",
    "version: 1\nskills:\n  web_fetch:\n    grant: {}\n",
    "policy.yaml:4: skills.web_fetch.grant: unknown key \"grant\"; allowed keys: allow, deny, limits",
  ],
  [
    "unknown limits key",
    "version: 1\nlimits:\n  cpu: 2\n",
    "policy.yaml:3: limits.cpu: unknown key \"cpu\"; allowed keys: timeout, memory, output, stack",
  ],
  [
    "bad host pattern",
    WEB + "        - a.com\n        - b.com\n        - \"*.*.com\"\n",
    "policy.yaml:8: skills.web_fetch.allow.net[2]: \"*.*.com\" is not a valid host pattern; expected host, host:port, *.domain, IP or CIDR",
  ],
  [
    "bad CIDR",
    "version: 1\ndeny:\n  net: [\"10.0.0.1/8\"]\n",
    "policy.yaml:3: deny.net[0]: \"10.0.0.1/8\" is not a valid host pattern; expected host, host:port, *.domain, IP or CIDR",
  ],
  [
    "empty net entry",
    WEB + "        - \"\"\n",
    "policy.yaml:6: skills.web_fetch.allow.net[0]: \"\" is not a valid host pattern; expected host, host:port, *.domain, IP or CIDR",
  ],
  [
    "bad port",
    WEB + "        - example.com:99999\n",
    "policy.yaml:6: skills.web_fetch.allow.net[0]: \"example.com:99999\" is not a valid host pattern; expected host, host:port, *.domain, IP or CIDR",
  ],
  [
    "relative read path",
    "version: 1\nskills:\n  files:\n    allow:\n      read: [\"/ok\", \"docs\"]\n",
    "policy.yaml:5: skills.files.allow.read[1]: \"docs\" is not a valid path; expected an absolute path starting with / or ~",
  ],
  [
    "empty write path",
    "version: 1\ndeny:\n  write:\n    - \"\"\n",
    "policy.yaml:4: deny.write[0]: \"\" is not a valid path; expected an absolute path starting with / or ~",
  ],
  [
    "~user path",
    "version: 1\ndeny:\n  read: [\"~root/.ssh\"]\n",
    "policy.yaml:3: deny.read[0]: \"~root/.ssh\" is not a valid path; expected an absolute path starting with / or ~",
  ],
  [
    "bad env name",
    "version: 1\ndeny:\n  env: [\"AWS-KEY\"]\n",
    "policy.yaml:3: deny.env[0]: \"AWS-KEY\" is not a valid variable pattern; expected a variable name (HOME) or a prefix (AWS_*)",
  ],
  [
    "bare star env",
    "version: 1\ndeny:\n  env: [\"*\"]\n",
    "policy.yaml:3: deny.env[0]: \"*\" is not a valid variable pattern; expected a variable name (HOME) or a prefix (AWS_*)",
  ],
  [
    "bad run entry",
    "version: 1\nskills:\n  sh:\n    allow:\n      run: [\"git status\"]\n",
    "policy.yaml:5: skills.sh.allow.run[0]: \"git status\" is not a valid command; expected a command name (git) or an absolute path (/usr/bin/git)",
  ],
  [
    "bad tool name in trust",
    "version: 1\ntrust:\n  forbidden:\n    - ok_tool\n    - Bad Tool\n",
    "policy.yaml:5: trust.forbidden[1]: \"Bad Tool\" is not a valid tool name; expected lowercase letters, digits, _ or -",
  ],
  [
    "bad skill name",
    "version: 1\nskills:\n  ok: {}\n  Web: {}\n",
    "policy.yaml:4: skills.Web: \"Web\" is not a valid tool name; expected lowercase letters, digits, _ or -",
  ],
  ["trust default", "version: 1\ntrust: { default: yes }\n", "policy.yaml:2: trust.default: got the string \"yes\"; expected allow | confirm | forbid"],
  ["precedence", "version: 1\nprecedence: allow\n", "policy.yaml:2: precedence: got the string \"allow\"; expected deny | specific"],
  ["remember", "version: 1\nconfirmation:\n  remember: forever\n", "policy.yaml:3: confirmation.remember: got the string \"forever\"; expected none | session | always"],
  ["prompt type", "version: 1\nprompt: \"yes\"\n", "policy.yaml:2: prompt: got the string \"yes\"; expected true or false"],
  ["list expected", "version: 1\ntrust:\n  forbidden: rm\n", "policy.yaml:3: trust.forbidden: got the string \"rm\"; expected a list"],
  ["mapping expected", "version: 1\nskills: [a, b]\n", "policy.yaml:2: skills: got a list; expected a mapping"],
  ["boolean kind", "version: 1\ndeny:\n  camera: 1\n", "policy.yaml:3: deny.camera: got number 1; expected true or false"],
  ["duration", "version: 1\nconfirmation: { timeout: 2 minutes }\n", "policy.yaml:2: confirmation.timeout: \"2 minutes\" is not valid; expected a duration like 120s, 2m or 500ms, at most 596h"],
  ["bare number duration", "version: 1\nlimits:\n  timeout: 5\n", "policy.yaml:3: limits.timeout: 5 is not valid; expected a duration like 120s, 2m or 500ms, at most 596h"],
  ["zero duration", "version: 1\nlimits:\n  timeout: 0s\n", "policy.yaml:3: limits.timeout: \"0s\" is not valid; expected a duration like 120s, 2m or 500ms, at most 596h"],
  // A longer timer fires at once: every approval would be refused, every skill time out.
  ["duration past a timer's reach", "version: 1\nconfirmation: { timeout: 600h, remember: none }\n", "policy.yaml:2: confirmation.timeout: \"600h\" is not valid; expected a duration like 120s, 2m or 500ms, at most 596h"],
  [
    "size",
    "version: 1\nskills:\n  a:\n    limits:\n      memory: 64 bananas\n",
    "policy.yaml:5: skills.a.limits.memory: \"64 bananas\" is not valid; expected a size like 64MiB or 512KiB, from 1MiB to 2GiB",
  ],
  ["unknown tag", "version: 1\nprompt: !!js/function 'x'\n", "policy.yaml:2: invalid YAML: Unresolved tag: tag:yaml.org,2002:js/function"],
  [
    "merge keys are plain keys",
    "version: 1\n<<: { prompt: false }\n",
    "policy.yaml:2: <<: unknown key \"<<\"; allowed keys: version, prompt, precedence, trust, confirmation, limits, deny, skills",
  ],
];

// Sizes the sandbox cannot honour: with each, every skill run failed as "sandbox failure: null"
// (measured; see SIZE_RANGES in units.ts). Rejected when the file is loaded instead.
const OUT_OF_RANGE: [string, string, string][] = [
  ["memory", "4GiB", "from 1MiB to 2GiB"],
  ["memory", "8GiB", "from 1MiB to 2GiB"],
  ["memory", "1000GiB", "from 1MiB to 2GiB"],
  ["memory", "2049MiB", "from 1MiB to 2GiB"],
  ["memory", "1KiB", "from 1MiB to 2GiB"],
  ["memory", "1B", "from 1MiB to 2GiB"],
  ["memory", "1023KiB", "from 1MiB to 2GiB"],
  ["stack", "1B", "from 16KiB to 2GiB"],
  ["stack", "8KiB", "from 16KiB to 2GiB"],
  ["stack", "4GiB", "from 16KiB to 2GiB"],
  ["output", "1000GiB", "from 1B to 2GiB"],
  ["output", "3GB", "from 1B to 2GiB"],
];

describe("parsePolicy errors", () => {
  test.each(OUT_OF_RANGE)("limits.%s: %s is out of range", (key, size, range) => {
    expect(errorOf(`version: 1\nlimits: { ${key}: ${size} }\n`)).toBe(`policy.yaml:2: limits.${key}: "${size}" is not valid; expected a size like 64MiB or 512KiB, ${range}`);
    expect(errorOf(`version: 1\nskills:\n  a:\n    limits: { ${key}: ${size} }\n`)).toStartWith(`policy.yaml:4: skills.a.limits.${key}: "${size}" is not valid`);
  });

  test("every error's hint points at docs/policy.md, which exists", () => {
    try {
      parsePolicy("version: 2\n");
    } catch (err) {
      expect((err as MoltFailure).error.hint).toBe("fix policy.yaml; see docs/policy.md for the format");
    }
    expect(existsSync(join(import.meta.dir, "..", "docs", "policy.md"))).toBe(true);
  });

  test.each(ERRORS)("%s", (_name, text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  test("a file over 1 MiB is refused before parsing", () => {
    const big = "version: 1\n" + "# padding\n".repeat(110_000);
    expect(errorOf(big)).toBe("policy.yaml: file is larger than 1 MiB; expected a small policy file");
  });

  test("the file name given is used in messages", () => {
    expect(() => parsePolicy("version: 3\n", "/home/u/.moltbot/policy.yaml")).toThrow(
      "/home/u/.moltbot/policy.yaml:1: version: got number 3; expected 1",
    );
  });

  test("a long bad value is shortened, never echoed whole", () => {
    const message = errorOf(WEB + `        - "${"*".repeat(500)}"\n`);
    expect(message.length).toBeLessThan(200);
  });

  test("a policy of 40,000 skills parses, and a duplicate among them is reported at its line", () => {
    const skills = Array.from({ length: 40_000 }, (_, i) => `  s${i}: {}`).join("\n");
    expect(Object.keys(parsePolicy(`version: 1\nskills:\n${skills}\n`).skills)).toHaveLength(40_000);
    expect(errorOf(`version: 1\nskills:\n${skills}\n  s17: {}\n`)).toBe("policy.yaml:40003: invalid YAML: duplicate key skills.s17; each key may appear only once");
    // Linear work takes a second or two; quadratic would not finish. The limit only stops a hang.
  }, 30_000);

  test("a few aliases within the bound are fine", () => {
    const p = parsePolicy("version: 1\ndeny:\n  net: &n [evil.example]\nskills:\n  a:\n    deny: { net: *n }\n");
    expect(p.skills.a?.deny.net).toEqual(["evil.example"]);
  });
});

describe("parsePolicy values", () => {
  test("defaults for everything but version", () => {
    expect(parsePolicy("version: 1\n")).toEqual({
      version: 1,
      prompt: true,
      precedence: "deny",
      trust: { allowedWithoutConfirmation: [], requiresConfirmation: [], forbidden: [], default: "confirm" },
      confirmation: { timeoutMs: 120_000, remember: "none" },
      limits: { timeoutMs: 5_000, memoryBytes: 64 * 1024 * 1024, stackBytes: 1024 * 1024, outputBytes: 1024 * 1024 },
      deny: {},
      skills: {},
    });
  });

  const UNITS: [string, string, number][] = [
    ["timeout", "120s", 120_000],
    ["timeout", "2m", 120_000],
    ["timeout", "500ms", 500],
    ["timeout", "1.5s", 1_500],
    ["timeout", "1h", 3_600_000],
    ["memory", "64MiB", 67_108_864],
    ["memory", "1GiB", 1_073_741_824],
    ["memory", "2MB", 2_000_000],
    ["memory", "1MiB", 1_048_576],
    ["memory", "2GiB", 2_147_483_648],
    ["output", "512KiB", 524_288],
    ["output", "2 KB", 2_000],
    ["output", "100B", 100],
    ["output", "1B", 1],
    ["output", "2GiB", 2_147_483_648],
    ["stack", "256KiB", 262_144],
    ["stack", "16KiB", 16_384],
    ["stack", "1MiB", 1_048_576],
  ];
  const FIELD = { timeout: "timeoutMs", memory: "memoryBytes", output: "outputBytes", stack: "stackBytes" } as const;
  test.each(UNITS)("limits.%s: %s → %d", (key, text, n) => {
    const p = parsePolicy(`version: 1\nlimits:\n  ${key}: ${text}\n`);
    expect(p.limits[FIELD[key as keyof typeof FIELD]]).toBe(n);
  });

  test("the DESIGN §5 example parses", () => {
    const p = parsePolicy(`version: 1
prompt: true
trust:
  allowedWithoutConfirmation: [email_read, calendar_read, file_read]
  requiresConfirmation: [email_send, calendar_modify, shell_execute]
  forbidden: [system_delete, network_intercept]
  default: confirm
confirmation: { timeout: 120s, remember: none }
limits: { timeout: 5s, memory: 64MiB, output: 1MiB }
deny:
  net: ["169.254.169.254"]
  read: ["~/.ssh", "~/.moltbot/config.yaml"]
skills:
  web_fetch:
    allow: { net: ["*.wikipedia.org", "api.github.com:443"] }
  shell_execute:
    allow: { run: [git, ls], read: ["~/code"] }
    limits: { timeout: 30s }
`);
    expect(p.trust.forbidden).toEqual(["system_delete", "network_intercept"]);
    expect(p.skills.shell_execute).toEqual({ allow: { run: ["git", "ls"], read: ["~/code"] }, deny: {}, limits: { timeoutMs: 30_000 } });
  });

  test("the parsed policy is plain, structured-cloneable data", () => {
    const p = parsePolicy("version: 1\nlimits: { memory: 1GiB }\nskills:\n  a:\n    allow: { net: [\"10.0.0.0/8\"], browser: true }\n");
    expect(structuredClone(p)).toEqual(p);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  test("the default file parses to defaultPolicy() with the safe denies", () => {
    const p = defaultPolicy();
    expect(parsePolicy(DEFAULT_POLICY_YAML)).toEqual(p);
    expect(p.prompt).toBe(true);
    expect(p.trust.default).toBe("confirm");
    expect(p.deny.net).toEqual(["169.254.169.254"]);
    expect(p.deny.read).toEqual(expect.arrayContaining(["~/.ssh", "~/.gnupg", "~/.moltbot/config.yaml"]));
  });
});
