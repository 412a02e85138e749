// `moltbot skill run` end to end: the real command, real policy files, real audit log.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
let policy: string;
let audit: string;
const add = (name: string, source: string, manifest: Record<string, unknown> = {}) =>
  sb.skill(name, manifest, { "main.js": source });

beforeAll(() => {
  audit = join(sb.dir, "audit.jsonl");
  policy = sb.file("policy.yaml", `version: 1
trust:
  allowedWithoutConfirmation: [greet, big, spin, env_reader, thrower, needs_env, prober, lone]
  requiresConfirmation: [careful]
  forbidden: [nuke]
skills:
  env_reader: { allow: { env: [GREETING] } }
  spin: { limits: { timeout: 200ms } }
`);
});
afterAll(() => sb.cleanup());

const auditLines = () => readFileSync(audit, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const run = (dir: string, params: unknown, ...flags: string[]) =>
  sb.run(["skill", "run", dir, "--params", JSON.stringify(params), "--policy", policy, "--audit", audit, ...flags], { GREETING: "hej" });

describe("moltbot skill run", () => {
  test("runs a skill and prints its result as JSON, writing one audit line", async () => {
    const dir = add("greet", "export default async ({ who }) => ({ text: `hello ${who}` });", {
      parameters: { who: { type: "string", required: true } },
    });
    const r = await run(dir, { who: "ada" }, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, output: { text: "hello ada" } });
    const last = auditLines().at(-1);
    expect(last).toMatchObject({ v: 1, tool: "greet", result: "success", user_approved: null, decision: "allow", parameters: { who: "ada" } });
    expect(last.output_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test("parameters that fail the schema exit 2 before any code runs", async () => {
    const dir = add("greet", "export default async ({ who }) => ({ text: `hello ${who}` });", {
      parameters: { who: { type: "string", required: true } },
    });
    const r = await run(dir, { who: 42 }, "--json");
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.error.code).toBe("invalid_params");
    expect(out.error.message).toContain("who");
  });

  test("--params that is not JSON is a one-line usage error, exit 2, no stack trace", async () => {
    const dir = add("greet", "export default async () => 1;");
    const r = await sb.run(["skill", "run", dir, "--params", "{nope", "--policy", policy, "--audit", audit]);
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("error: --params is not valid JSON");
    expect(r.stderr).not.toContain("    at ");
  });

  test("a forbidden tool exits 3 and is audited as forbidden", async () => {
    const dir = add("nuke", "export default async () => 'boom';");
    const r = await run(dir, {});
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("forbidden");
    expect(auditLines().at(-1)).toMatchObject({ tool: "nuke", result: "forbidden", user_approved: null });
  });

  test("a tool needing confirmation exits 4 without a terminal, runs with --yes", async () => {
    const dir = add("careful", "export default async () => 'done';");
    const no = await run(dir, {});
    expect(no.code).toBe(4);
    expect(no.stderr).toContain("--yes");
    expect(auditLines().at(-1)).toMatchObject({ tool: "careful", result: "rejected", user_approved: false });
    const yes = await run(dir, {}, "--yes");
    expect(yes.code).toBe(0);
    expect(yes.stdout.trim()).toBe("done");
    expect(auditLines().at(-1)).toMatchObject({ tool: "careful", result: "success", user_approved: true, decision: "confirm" });
  });

  test("a granted env variable is readable; an ungranted one needs a prompt (exit 4) or --yes", async () => {
    const granted = add("env_reader", "export default async () => env.get('GREETING');", { permissions: { env: ["GREETING"] } });
    const r = await run(granted, {});
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("hej");

    const ungranted = add("needs_env", "export default async () => env.get('GREETING');", { permissions: { env: ["GREETING"] } });
    const no = await run(ungranted, {});
    expect(no.code).toBe(4);
    const yes = await run(ungranted, {}, "--yes");
    expect(yes.code).toBe(0);
    expect(yes.stdout.trim()).toBe("hej");
  });

  test("an undeclared capability is denied (exit 3) even with --yes, and audited as denied", async () => {
    const dir = add("env_reader", "export default async () => env.get('HOME');", { permissions: { env: ["GREETING"] } });
    const r = await run(dir, {}, "--yes");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("env");
    expect(auditLines().at(-1)).toMatchObject({ tool: "env_reader", result: "denied" });
  });

  test("a skill that throws exits 1 with its message", async () => {
    const dir = add("thrower", "export default async () => { throw new Error('the printer is on fire'); };");
    const r = await run(dir, {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the printer is on fire");
    expect(auditLines().at(-1)).toMatchObject({ tool: "thrower", result: "error" });
  });

  test("a runaway skill hits its time limit: exit 5, audited as timeout", async () => {
    const dir = add("spin", "export default async () => { for (;;) {} };");
    const r = await run(dir, {});
    expect(r.code).toBe(5);
    expect(auditLines().at(-1)).toMatchObject({ tool: "spin", result: "timeout" });
  });

  test("a 900 KiB --json answer reaches a pipe complete", async () => {
    const dir = add("big", "export default async () => 'x'.repeat(900 * 1024);");
    const r = await run(dir, {}, "--json");
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(900 * 1024);
    expect(JSON.parse(r.stdout).output.length).toBe(900 * 1024);
  });

  test("a skill provoking hundreds of denials gets an audit line listing 100 and counting the rest", async () => {
    const dir = add("prober", `export default () => { let n = 0; for (let i = 0; i < 250; i++) { try { env.get("PROBE_" + i) } catch { n++ } } return n; }`);
    const r = await run(dir, {}, "--json");
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, output: 250 });
    const last = auditLines().at(-1);
    expect(last).toMatchObject({ tool: "prober", result: "success", denials_omitted: 150 });
    expect(last.denials).toHaveLength(100);
    expect(last.denials.at(-1)).toEqual({ kind: "env", value: "PROBE_249", rule: "manifest" });
  });

  test("a result holding a lone surrogate is returned (as U+FFFD) and audited, not an internal error", async () => {
    const dir = add("lone", `export default () => ({ text: "broken \\ud800 half" })`);
    const r = await run(dir, {}, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, output: { text: "broken \ufffd half" } });
    expect(auditLines().at(-1)).toMatchObject({ tool: "lone", result: "success", output_hash: expect.stringMatching(/^sha256:/) });
  });

  test("the audit log written by all of the above verifies", async () => {
    const r = await sb.run(["audit", "verify", "--audit", audit]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("intact");
  });
});
