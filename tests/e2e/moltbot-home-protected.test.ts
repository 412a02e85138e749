// Moltbot's own folder (config, policy, audit log, memory, channel sessions) is out of every
// skill's reach, whatever the policy grants and wherever MOLTBOT_HOME points: a skill that
// could read it would read the user's credentials, one that could write it would rewrite the
// policy that confines it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
let policy: string;
let audit: string;
const home = join(sb.userHome, "moltbot-data"); // MOLTBOT_HOME under the user's home

beforeAll(() => {
  mkdirSync(join(home, "memory", "users"), { recursive: true });
  writeFileSync(join(home, "config.yaml"), "credentials:\n  github: { value: ghp_secretvalue123, host: api.github.com }\n");
  writeFileSync(join(home, "memory", "users", "someone.md"), "# Profile: someone\n");
  writeFileSync(join(sb.userHome, "notes.txt"), "ordinary file\n");
  symlinkSync(join(home, "config.yaml"), join(sb.userHome, "innocent.txt"));
  audit = join(sb.dir, "audit.jsonl");
  // Everything granted, nothing asked: only the hard rule stands between the skill and the home.
  policy = sb.file("policy.yaml", `version: 1
prompt: false
trust: { default: allow }
skills:
  file_read: { allow: { read: ["/"] } }
  file_write: { allow: { write: ["/"] } }
`);
});
afterAll(() => sb.cleanup());

const call = async (name: string, params: unknown) => {
  const r = await sb.run(["skill", "run", join(ROOT, "skills/builtin", name), "--params", JSON.stringify(params), "--policy", policy, "--audit", audit, "--json"], { MOLTBOT_HOME: home });
  return { code: r.code, json: JSON.parse(r.stdout || "null"), text: r.stdout + r.stderr };
};

describe("Moltbot's home", () => {
  test("cannot be read, directly or through a link, even with read: [/]", async () => {
    for (const path of [join(home, "config.yaml"), join(home, "memory", "users", "someone.md"), join(sb.userHome, "innocent.txt"), "~/moltbot-data/config.yaml"]) {
      const r = await call("file_read", { path });
      expect(r.code).toBe(3);
      expect(r.json.error.code).toBe("permission_denied");
      expect(r.json.error.message).toContain("Moltbot's own folder");
      expect(r.text).not.toContain("ghp_secretvalue123");
    }
    // Outside it, the same grant reads as before.
    expect((await call("file_read", { path: join(sb.userHome, "notes.txt") })).json.output.content).toBe("ordinary file\n");
    const lines = readFileSync(audit, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.at(-2)).toMatchObject({ tool: "file_read", result: "denied", denials: [{ kind: "read", rule: "moltbot home" }] });
  });

  test("cannot be written: the policy that confines the skill stays as it was", async () => {
    const before = readFileSync(policy, "utf8");
    const target = join(home, "policy.yaml");
    writeFileSync(target, before);
    const r = await call("file_write", { path: target, content: "version: 1\ntrust: { default: allow }\n" });
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe("permission_denied");
    expect(readFileSync(target, "utf8")).toBe(before);
  });
});
