// The other commands end to end: help, version, policy, audit, gateway, first run.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());

describe("help and version", () => {
  test("--help lists every command and the exit codes", async () => {
    const r = await sb.run(["--help"]);
    expect(r.code).toBe(0);
    for (const word of ["gateway", "skill run", "policy check", "audit verify", "Exit codes"]) expect(r.stdout).toContain(word);
  });

  test("every command has its own --help", async () => {
    for (const cmd of [["skill", "--help"], ["skill", "run", "--help"], ["policy", "--help"], ["audit", "--help"], ["gateway", "--help"]]) {
      const r = await sb.run(cmd);
      expect(r.code).toBe(0);
      expect(r.stdout).toStartWith("Usage: moltbot");
    }
  });

  test("--version prints the package version", async () => {
    const r = await sb.run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^moltbot \d+\.\d+\.\d+\n$/);
  });

  test("an unknown command or flag is a one-line error with a hint, exit 2", async () => {
    const a = await sb.run(["frobnicate"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe("error: unknown command 'frobnicate'\nhint: run 'moltbot --help' for the list of commands\n");
    const b = await sb.run(["policy", "check", "--bogus"]);
    expect(b.code).toBe(2);
    expect(b.stderr.split("\n")[0]).toContain("--bogus");
    expect(b.stderr).not.toContain("    at ");
  });
});

describe("policy commands", () => {
  const skill = sb.skill("fetcher", { permissions: { net: ["api.example.com", "*.wikipedia.org"], env: ["TOKEN_*"] } }, { "main.js": "export default async () => 1;" });
  const policy = sb.file("check-policy.yaml", `version: 1
trust: { forbidden: [banned] }
deny: { net: ["evil.example.com"] }
skills:
  fetcher:
    allow: { net: ["api.example.com:443", "*.wikipedia.org"] }
`);
  const check = (permission: string, value: string, extra: string[] = []) =>
    sb.run(["policy", "check", "--policy", policy, "--skill", skill, "--permission", permission, "--value", value, "--json", ...extra]);

  test("allow exits 0 and names the rule", async () => {
    const r = await check("net", "api.example.com:443");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ decision: "allow", trust: "confirm", rule: "skills.fetcher.allow.net[0]" });
  });

  test("declared but not granted is a prompt, exit 4", async () => {
    const r = await check("net", "api.example.com:8443");
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout).decision).toBe("prompt");
  });

  test("undeclared is denied, exit 3, with a Deno-style reason", async () => {
    const r = await check("net", "example.org:443");
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.decision).toBe("deny");
    expect(out.reason).toContain("example.org");
  });

  test("a wildcard grant never reaches loopback", async () => {
    const r = await check("net", "127.0.0.1:80");
    expect(r.code).toBe(3);
  });

  test("a forbidden tool is forbidden for every permission", async () => {
    const banned = sb.skill("banned", { permissions: ["network_access"] }, { "main.js": "export default async () => 1;" });
    const r = await sb.run(["policy", "check", "--policy", policy, "--skill", banned, "--permission", "net", "--value", "example.com:443", "--json"]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ decision: "forbidden", trust: "forbid" });
  });

  test("human output says decision, trust and rule", async () => {
    const r = await sb.run(["policy", "check", "--policy", policy, "--skill", skill, "--permission", "net", "--value", "api.example.com:443"]);
    expect(r.stdout).toStartWith("allow (trust: confirm)\nrule: skills.fetcher.allow.net[0]\n");
  });

  test("a bad permission kind or missing flag exits 2", async () => {
    expect((await check("teleport", "x")).code).toBe(2);
    const r = await sb.run(["policy", "check", "--policy", policy, "--permission", "net"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--skill");
  });

  test("policy lint names the file, line and field of a mistake", async () => {
    const bad = sb.file("bad-policy.yaml", "version: 1\ntrust:\n  default: sometimes\n");
    const r = await sb.run(["policy", "lint", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-policy\.yaml:3: trust\.default/);
    const dup = sb.file("dup-policy.yaml", "version: 1\nprompt: true\nprompt: false\n");
    const d = await sb.run(["policy", "lint", dup]);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain("dup-policy.yaml:3");
    const good = await sb.run(["policy", "lint", policy]);
    expect(good.code).toBe(0);
  });

  test("a broken policy means nothing runs (exit 2), never allow-all", async () => {
    const bad = sb.file("broken.yaml", "version: 2\n");
    const r = await sb.run(["skill", "run", skill, "--policy", bad, "--audit", join(sb.dir, "a.jsonl"), "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("broken.yaml");
  });

  test("policy explain lists effective permissions", async () => {
    const r = await sb.run(["policy", "explain", skill, "--policy", policy]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("api.example.com");
    expect(r.stdout).toContain("net");
  });
});

describe("audit commands", () => {
  test("verify names the first tampered line, exit 1; tail shows entries", async () => {
    const audit = join(sb.dir, "tamper.jsonl");
    const policy = sb.file("open-policy.yaml", "version: 1\ntrust: { default: allow }\n");
    const skill = sb.skill("echo", { parameters: { n: { type: "number" } } }, { "main.js": "export default async ({ n }) => n * 2;" });
    for (let n = 1; n <= 3; n++) {
      const r = await sb.run(["skill", "run", skill, "--params", JSON.stringify({ n }), "--policy", policy, "--audit", audit]);
      expect(r.code).toBe(0);
    }
    expect((await sb.run(["audit", "verify", "--audit", audit])).code).toBe(0);
    const tail = await sb.run(["audit", "tail", "-n", "2", "--audit", audit]);
    expect(tail.code).toBe(0);
    expect(tail.stdout.trim().split("\n")).toHaveLength(2);
    expect(tail.stdout).toContain("echo");

    const lines = readFileSync(audit, "utf8").split("\n");
    lines[1] = lines[1]!.replace('"n":2', '"n":7');
    writeFileSync(audit, lines.join("\n"));
    const r = await sb.run(["audit", "verify", "--audit", audit]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("line 2");
  });
});

describe("gateway and first run", () => {
  test("first run creates a private home with policy and config, /health answers, SIGTERM exits 0", async () => {
    const fresh = new Sandbox();
    try {
      const proc = Bun.spawn(["bun", CLI, "gateway", "--port", "0"], { env: fresh.env(), stdout: "pipe", stderr: "pipe" });
      const reader = proc.stdout.getReader();
      let text = "";
      while (!text.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      const url = /listening on (\S+)/.exec(text)?.[1];
      expect(url).toBeDefined();
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok" });
      expect(statSync(fresh.home).mode & 0o777).toBe(0o700);
      expect(existsSync(join(fresh.home, "policy.yaml"))).toBe(true);
      expect(statSync(join(fresh.home, "policy.yaml")).mode & 0o777).toBe(0o600);
      expect(existsSync(join(fresh.home, "config.yaml"))).toBe(true);
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
      const lint = await fresh.run(["policy", "lint"]);
      expect(lint.code).toBe(0);
    } finally {
      fresh.cleanup();
    }
  });

  test("binding beyond loopback without a token is refused, exit 2", async () => {
    const r = await sb.run(["gateway", "--host", "0.0.0.0", "--port", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("token");
  });
});
