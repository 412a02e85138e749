import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HOST_API } from "./index.ts";
import { MINIMAL_PATH } from "./shell-run.ts";
import { lookupOnPath } from "./shell-resolve.ts";
import { policyWith, testContext, denied } from "./test-context.ts";
import { HostDenied } from "./types.ts";

const run = HOST_API.shell!.run!;
const shPath = lookupOnPath("sh", process.env.PATH ?? "") as string;
const root = realpathSync(mkdtempSync(join(tmpdir(), "molt-shell-")));
const work = join(root, "work");
const other = join(root, "other");
mkdirSync(work);
mkdirSync(other);
// A program called "sh" that is not the host's sh.
copyFileSync(shPath, join(other, "sh"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Result = { code: number; stdout: string; stderr: string };
const ctxFor = (allow: string, extra?: string) => testContext({ policy: policyWith(allow, extra), permissions: { run: "all", read: "all", env: "all" } });

describe("shell.run", () => {
  test("runs a granted command with an argv array and returns code, stdout, stderr", async () => {
    const r = (await run(ctxFor(`{ run: [sh] }`), ["sh", ["-c", 'echo "$1"; echo e >&2; exit 7', "sh", "a b;c"]])) as Result;
    expect(r).toEqual({ code: 7, stdout: "a b;c\n", stderr: "e\n" });
  });

  test("a command that is not granted is denied without running", async () => {
    const ctx = ctxFor(`{ run: [ls] }`);
    const err = await denied(run(ctx, ["sh", ["-c", "true"]]));
    expect(err.message).toContain('Requires run access to "sh"');
    expect(ctx.denials.length).toBe(1);
  });

  test("a grant of the resolved path admits the bare name and the path", async () => {
    const ctx = ctxFor(`{ run: ["${shPath}"] }`);
    expect(((await run(ctx, ["sh", ["-c", "echo ok"]])) as Result).stdout).toBe("ok\n");
    expect(((await run(ctx, [shPath, ["-c", "echo ok"]])) as Result).stdout).toBe("ok\n");
  });

  test("a grant by name does not admit another file with that name", async () => {
    await denied(run(ctxFor(`{ run: [sh] }`), [join(other, "sh"), ["-c", "true"]]));
  });

  test("a deny by name also blocks the command by absolute path", async () => {
    const ctx = testContext({ policy: `version: 1\nprompt: false\ndeny: { run: [sh] }\nskills:\n  tester:\n    allow: { run: ["${shPath}"] }\n`, permissions: { run: "all" } });
    const err = await denied(run(ctx, [shPath, ["-c", "true"]]));
    expect(err.decision.rule).toBe("deny.run[0]");
  });

  test("a shell string is never interpreted, and args must be strings", async () => {
    await expect(run(ctxFor(`{ run: [sh] }`), ["sh -c 'echo hi'", []]) as Promise<unknown>).rejects.toMatchObject({ code: "not_found" });
    await expect(run(ctxFor(`{ run: [sh] }`), ["sh", "-c echo hi"]) as Promise<unknown>).rejects.toMatchObject({ code: "invalid_params" });
  });

  test("the child sees only granted variables and a minimal PATH", async () => {
    process.env.MOLT_HOST_TEST_A = "visible";
    process.env.MOLT_HOST_SECRET = "hidden";
    try {
      const r = (await run(ctxFor(`{ run: [sh], env: ["MOLT_HOST_TEST_*"] }`), ["sh", ["-c", "env"]])) as Result;
      const lines = r.stdout.trim().split("\n").filter((l) => !/^(PWD|SHLVL|_)=/.test(l));
      expect(lines.sort()).toEqual(["MOLT_HOST_TEST_A=visible", `PATH=${MINIMAL_PATH}`]);
    } finally {
      delete process.env.MOLT_HOST_TEST_A;
      delete process.env.MOLT_HOST_SECRET;
    }
  });

  test("cwd must be readable; it is where the program starts", async () => {
    const ctx = ctxFor(`{ run: [sh], read: ["${work}"] }`);
    expect(((await run(ctx, ["sh", ["-c", "pwd"], { cwd: work }])) as Result).stdout).toBe(`${work}\n`);
    await denied(run(ctx, ["sh", ["-c", "pwd"], { cwd: other }]));
    await expect(run(ctx, ["sh", ["-c", "pwd"], { cwd: "work" }]) as Promise<unknown>).rejects.toThrow(/relative/);
  });

  test("stdin is passed through", async () => {
    const r = (await run(ctxFor(`{ run: [sh] }`), ["sh", ["-c", "tr a-z A-Z"], { stdin: "shout" }])) as Result;
    expect(r.stdout).toBe("SHOUT");
  });

  test("timeoutMs, and the call's deadline, kill the program", async () => {
    await expect(run(ctxFor(`{ run: [sh] }`), ["sh", ["-c", "sleep 100 & sleep 100"], { timeoutMs: 200 }]) as Promise<unknown>).rejects.toMatchObject({ code: "timeout" });
    const short = testContext({ policy: policyWith(`{ run: [sh] }`), permissions: { run: "all" }, deadlineMs: 300 });
    await expect(run(short, ["sh", ["-c", "sleep 100"], { timeoutMs: 60_000 }]) as Promise<unknown>).rejects.toMatchObject({ code: "timeout" });
  });

  test("a known credential value in the output is redacted", async () => {
    const ctx = testContext({
      policy: policyWith(`{ run: [sh] }`),
      permissions: { run: "all" },
      credentials: [{ name: "gh", host: "api.github.com", header: "Authorization", format: "Bearer {value}", value: "ghp_supersecret123" }],
    });
    const r = (await run(ctx, ["sh", ["-c", "echo token=ghp_supersecret123"]])) as Result;
    expect(r.stdout).toBe("token=[REDACTED]\n");
  });
});
