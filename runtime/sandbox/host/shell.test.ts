import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_LIMITS } from "../../contracts/sandbox.ts";
import { parsePolicy, resolvePolicyPaths } from "../../../policy/index.ts";
import { createHostContext, HOST_API } from "./index.ts";
import { HEAD_BYTES, TAIL_BYTES } from "./process-runner.ts";
import { MINIMAL_PATH, cutMarker } from "./shell-run.ts";
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

type Cut = { head: number; tail: number; chars: number; lines: number };
type Result = { code: number; stdout: string; stderr: string; cut?: { stdout?: Cut; stderr?: Cut } };
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

  test("a command line as the command is not found, with a hint to put the arguments in args", async () => {
    const ctx = ctxFor(`{ run: [ls] }`);
    await expect(run(ctx, ["ls -la", []]) as Promise<unknown>).rejects.toMatchObject({
      code: "not_found",
      message: `command "ls -la" was not found on the host's PATH; put arguments in args: shell.run("ls", ["-la"])`,
    });
    await expect(run(ctx, ["/bin/ls  -l -a", []]) as Promise<unknown>).rejects.toMatchObject({
      code: "not_found",
      message: `/bin/ls  -l -a: not an executable file; put arguments in args: shell.run("/bin/ls", ["-l","-a"])`,
    });
    await expect(run(ctx, ["git log | head", []]) as Promise<unknown>).rejects.toMatchObject({
      code: "not_found",
      message: `command "git log | head" was not found on the host's PATH; it is a shell command line, and no shell is involved: run it as shell.run("sh", ["-c", "git log | head"]) with run access to sh`,
    });
    // One word: nothing to move.
    await expect(run(ctx, ["no-such-program", []]) as Promise<unknown>).rejects.toMatchObject({ message: `command "no-such-program" was not found on the host's PATH` });
  });

  test("a missing cwd, or a file as cwd, is not_found, as for fs", async () => {
    writeFileSync(join(work, "file.txt"), "x");
    const ctx = ctxFor(`{ run: [sh], read: ["${work}"] }`);
    await expect(run(ctx, ["sh", ["-c", "pwd"], { cwd: join(work, "gone") }]) as Promise<unknown>).rejects.toMatchObject({
      code: "not_found",
      message: `shell.run: cwd ${join(work, "gone")}: no such file or directory`,
    });
    await expect(run(ctx, ["sh", ["-c", "pwd"], { cwd: join(work, "file.txt") }]) as Promise<unknown>).rejects.toMatchObject({ code: "not_found" });
  });

  test("long output: the real start and end joined by a marker, and the whole stream's totals", async () => {
    const n = 300_000;
    const full = Array.from({ length: n }, (_, i) => `${i + 1}\n`).join("");
    const r = (await run(ctxFor(`{ run: [sh] }`), ["sh", ["-c", `seq 1 ${n}; echo FATAL: at the end >&2; exit 2`]])) as Result;
    const cutChars = full.length - HEAD_BYTES - TAIL_BYTES;
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(full.slice(0, HEAD_BYTES) + cutMarker(cutChars) + full.slice(-TAIL_BYTES));
    expect(r.stdout).toEndWith("\n299999\n300000\n");
    expect(r.cut).toEqual({ stdout: { head: HEAD_BYTES, tail: TAIL_BYTES, chars: full.length, lines: n } });
    expect(r.stderr).toBe("FATAL: at the end\n");
  });

  test("a credential in the kept end of a cut stream is redacted, and the counts follow", async () => {
    const ctx = testContext({
      policy: policyWith(`{ run: [sh] }`),
      permissions: { run: "all" },
      credentials: [{ name: "gh", host: "api.github.com", header: "Authorization", format: "Bearer {value}", value: "ghp_supersecret123" }],
    });
    const r = (await run(ctx, ["sh", ["-c", "head -c 2000000 /dev/zero | tr '\\0' a; echo; echo token=ghp_supersecret123"]])) as Result;
    expect(r.stdout).toEndWith("\ntoken=[REDACTED]\n");
    const total = 2_000_000 + 1 + "token=[REDACTED]\n".length;
    expect(r.cut?.stdout).toEqual({ head: HEAD_BYTES, tail: TAIL_BYTES - "ghp_supersecret123".length + "[REDACTED]".length, chars: total, lines: 2 });
    expect(r.stdout).toContain(cutMarker(total - HEAD_BYTES - r.cut!.stdout!.tail));
  });

  test("a credential across either cut shows no part of it at the start's end or the end's start", async () => {
    const secret = "ghp_supersecret123";
    const ctx = testContext({
      policy: policyWith(`{ run: [sh] }`),
      permissions: { run: "all" },
      credentials: [{ name: "gh", host: "api.github.com", header: "Authorization", format: "Bearer {value}", value: secret }],
    });
    const out = async (before: number, after: number) =>
      ((await run(ctx, ["sh", ["-c", `head -c ${before} /dev/zero | tr '\\0' a; printf ${secret}; head -c ${after} /dev/zero | tr '\\0' b`]])) as Result).stdout;
    // The head cut 7 characters into the credential, then the tail cut 7 characters before its end.
    const atHead = await out(HEAD_BYTES - 7, TAIL_BYTES + 1000);
    expect(atHead.slice(0, atHead.indexOf("\n[… "))).toBe("a".repeat(HEAD_BYTES - 7));
    const atTail = await out(HEAD_BYTES + 1000, TAIL_BYTES - 7);
    expect(atTail.slice(atTail.indexOf(" …]\n") + 4)).toBe("b".repeat(TAIL_BYTES - 7));
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
