import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_LIMITS } from "../../contracts/sandbox.ts";
import { parsePolicy, resolvePolicyPaths } from "../../../policy/index.ts";
import { createHostContext, HOST_API } from "./index.ts";
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
// A real folder of programs and a link to it, as /bin → /usr/bin on Debian: one file, two paths.
const realBin = join(root, "real-bin");
const linkBin = join(root, "link-bin");
mkdirSync(realBin);
copyFileSync(shPath, join(realBin, "tool"));
copyFileSync(shPath, join(realBin, "other"));
symlinkSync(realBin, linkBin);
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Result = { code: number; stdout: string; stderr: string };
/** A context under policy text pinned to real paths, as loadPolicyFile does for policy.yaml. */
const loadedCtx = (policy: string, run: "all" | string[] = "all") =>
  createHostContext({
    policy: resolvePolicyPaths(parsePolicy(policy), { home: root }),
    skill: { name: "tester", permissions: { run } },
    home: root,
    limits: DEFAULT_LIMITS,
    deadline: Date.now() + 10_000,
    ask: async () => false,
  });
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

  test("a deny of a path holds when the command is reached through a linked folder", async () => {
    const ctx = testContext({ policy: policyWith(`{ run: ["${linkBin}/tool"] }`, `prompt: false\ndeny: { run: ["${realBin}/tool"] }`), permissions: { run: "all" } });
    const err = await denied(run(ctx, [join(linkBin, "tool"), ["-c", "echo ran"]]));
    expect(err.decision.rule).toBe("deny.run[0]");
  });

  test("a grant of one absolute path does not admit another file", async () => {
    const ctx = ctxFor(`{ run: ["${realBin}/tool"] }`);
    expect(((await run(ctx, [join(realBin, "tool"), ["-c", 'echo "$0"']])) as Result).stdout).toBe("tool\n");
    await denied(run(ctx, [join(realBin, "other"), ["-c", "true"]]));
    await denied(run(ctx, [join(other, "sh"), ["-c", "true"]]));
  });

  test("the file started is the real one, under the name the skill used", async () => {
    const ctx = ctxFor(`{ run: ["${linkBin}/tool"] }`);
    const r = (await run(ctx, [join(linkBin, "tool"), ["-c", 'echo "$0"; readlink /proc/$$/exe']])) as Result;
    expect(r.stdout).toBe(`tool\n${join(realBin, "tool")}\n`);
  });

  describe("one file, two paths (a linked folder), with a loaded policy", () => {
    const tool = join(realBin, "tool");
    const linked = join(linkBin, "tool");
    const withPath = async <T>(f: () => Promise<T>): Promise<T> => {
      const saved = process.env.PATH;
      process.env.PATH = `${realBin}:${saved ?? ""}`;
      try {
        return await f();
      } finally {
        process.env.PATH = saved;
      }
    };

    test("a deny through the link holds for the real file, by path and by name on PATH", async () => {
      const policy = policyWith(`{ run: [tool, "${tool}"] }`, `prompt: false\ndeny: { run: ["${linked}"] }`);
      await denied(run(loadedCtx(policy), [tool, ["-c", "true"]]));
      // The manifest lists the name and the linked path only, as the reviewer's skill did.
      const err = await withPath(() => denied(run(loadedCtx(policy, ["tool", linked]), ["tool", ["-c", "true"]])));
      expect(err.decision.rule).toBe("deny.run[0]");
    });

    test("a deny of the real file holds through the link", async () => {
      const policy = policyWith(`{ run: [tool, "${linked}"] }`, `prompt: false\ndeny: { run: ["${tool}"] }`);
      await denied(run(loadedCtx(policy), [linked, ["-c", "true"]]));
      await denied(run(loadedCtx(policy, ["tool", linked]), [linked, ["-c", "true"]]));
    });

    test("a grant admits the same file under the same name, never another file or name", async () => {
      const ctx = loadedCtx(policyWith(`{ run: ["${linked}"] }`));
      expect(((await run(ctx, [tool, ["-c", 'echo "$0"']])) as Result).stdout).toBe("tool\n");
      await denied(run(ctx, [join(realBin, "other"), ["-c", "true"]]));
      await denied(run(ctx, [shPath, ["-c", "true"]]));
    });
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
