// On a terminal, `skill run` asks instead of failing: a real pty (util-linux `script`) answers.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());
const policy = sb.file("tty-policy.yaml", "version: 1\ntrust:\n  requiresConfirmation: [careful]\n  allowedWithoutConfirmation: [asker]\n");
const audit = join(sb.dir, "tty-audit.jsonl");
const lastEntry = () => JSON.parse(readFileSync(audit, "utf8").trim().split("\n").at(-1)!);

/** Runs the CLI under a pseudo-terminal, typing `answer` once the question is on screen. */
async function onTerminal(args: string[], answer: string, env: Record<string, string> = {}) {
  const command = ["bun", CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const proc = Bun.spawn(["script", "-qfec", command, "/dev/null"], { env: sb.env(env), stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  let screen = "";
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let answered = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    screen += decoder.decode(value);
    if (!answered && screen.includes("[y/N]")) {
      proc.stdin.write(`${answer}\n`);
      await proc.stdin.flush();
      answered = true;
    }
  }
  return { code: await proc.exited, screen, answered };
}

describe("confirmation on a terminal", () => {
  const careful = sb.skill("careful", {}, { "main.js": "export default async () => 'done';" });

  test("the question shows the tool and its parameters; y runs it, audited as approved", async () => {
    const r = await onTerminal(["skill", "run", careful, "--policy", policy, "--audit", audit], "y");
    expect(r.answered).toBe(true);
    expect(r.screen).toContain("Run careful with {}?");
    expect(r.screen).toContain("trust.requiresConfirmation[0]");
    expect(r.screen).toContain("done");
    expect(r.code).toBe(0);
    expect(lastEntry()).toMatchObject({ tool: "careful", result: "success", user_approved: true });
  });

  test("n rejects it: exit 4, audited as rejected", async () => {
    const r = await onTerminal(["skill", "run", careful, "--policy", policy, "--audit", audit], "n");
    expect(r.code).toBe(4);
    expect(lastEntry()).toMatchObject({ tool: "careful", result: "rejected", user_approved: false });
  });

  test("a permission the policy does not grant is asked for, once, and y allows it", async () => {
    const asker = sb.skill("asker", { permissions: { env: ["TTY_TEST_VALUE"] } }, { "main.js": "export default async () => env.get('TTY_TEST_VALUE') + env.get('TTY_TEST_VALUE');" });
    const r = await onTerminal(["skill", "run", asker, "--policy", policy, "--audit", audit], "y", { TTY_TEST_VALUE: "ok" });
    expect(r.screen).toContain('Requires env access to "TTY_TEST_VALUE"');
    expect(r.screen.split("[y/N]").length - 1).toBe(1);
    expect(r.screen).toContain("okok");
    expect(r.code).toBe(0);
    expect(lastEntry()).toMatchObject({ tool: "asker", result: "success", user_approved: true });
  });
});
