// shell_execute's output end to end through the real `moltbot skill run`: output far beyond what
// the host keeps shows its real start and real end with true totals, stderr keeps its share
// beside a long stdout, and a command line passed as the command gets a hint.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_POLICY_YAML } from "../../policy/index.ts";
import { ROOT, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
let withSh: string;
// ~15 MB of text with 2-, 3- and 4-byte characters, so characters, bytes and lines all differ.
const LAST_LINE = "FINAL: the real end of big.txt ✓";
const lines: string[] = [];
for (let i = 0, size = 0; size < 15_000_000; i++) {
  const line = `line ${i} héllo wörld 😀 ${"-".repeat(i % 50)}\n`;
  lines.push(line);
  size += line.length;
}
lines.push(LAST_LINE + "\n");
const BIG = lines.join("");

beforeAll(() => {
  withSh = sb.file("sh.yaml", DEFAULT_POLICY_YAML.replace("run: [git, ls,", "run: [sh, git, ls,"));
  writeFileSync(join(sb.userHome, "big.txt"), BIG);
});
afterAll(() => sb.cleanup());

const run = async (params: unknown) => {
  const r = await sb.run(["skill", "run", join(ROOT, "skills/builtin/shell_execute"), "--params", JSON.stringify(params), "--policy", withSh, "--json", "--yes"]);
  return { ...r, out: JSON.parse(r.stdout) };
};

describe("shell_execute output", () => {
  test("15 MB of output: the real start and real end, and true totals", async () => {
    const r = await run({ command: "cat", args: ["big.txt"] });
    expect(r.code).toBe(0);
    const o = r.out.output;
    const cut = BIG.length - 20_000;
    expect(o.stdout).toStartWith("line 0 héllo wörld 😀 \nline 1 héllo wörld 😀 -\n");
    expect(o.stdout).toEndWith(`\n${lines.at(-2)}${LAST_LINE}\n`);
    expect(o.stdout).toContain(`\n[… ${cut} characters cut …]\n`);
    expect(o.stdout).not.toContain("output truncated");
    expect(o.truncated).toEqual({ shown: 20_000, total: BIG.length, unit: "chars" });
    expect(o.summary).toBe(`\`cat big.txt\` in ~ exited with code 0 (${lines.length} lines of output); ${cut} characters of output cut from the middle`);
    // What is shown is the file's own text, at both ends.
    const [head, tail] = o.stdout.split(`\n[… ${cut} characters cut …]\n`);
    expect(head.length + tail.length).toBe(20_000);
    expect(BIG.startsWith(head)).toBe(true);
    expect(BIG.endsWith(tail)).toBe(true);
  });

  test("a long stdout leaves room for stderr; the summary names the last stderr line", async () => {
    const r = await run({ script: "seq 1 10000; echo compiling >&2; echo FATAL: real error at end >&2; exit 1" });
    const o = r.out.output;
    expect(o.exit_code).toBe(1);
    expect(o.stderr).toBe("compiling\nFATAL: real error at end\n");
    expect(o.stdout).toEndWith("\n9999\n10000\n");
    // seq 1 10000 writes 48894 characters; stderr 35.
    expect(o.truncated).toEqual({ shown: 20_000, total: 48_929, unit: "chars" });
    expect(o.summary).toEndWith(" exited with code 1 (10000 lines of output): FATAL: real error at end; 28929 characters of output cut from the middle");
  });

  test("both streams beyond what the host keeps: each shows its real end within its share", async () => {
    const script = "seq 1 500000; seq 1 400000 | sed 's/^/err /' >&2; echo 'FATAL: disk full' >&2; exit 3";
    const r = await run({ script, max_output_chars: 1000 });
    const o = r.out.output;
    const out = Array.from({ length: 500_000 }, (_, i) => `${i + 1}\n`).join("").length;
    const err = Array.from({ length: 400_000 }, (_, i) => `err ${i + 1}\n`).join("").length + "FATAL: disk full\n".length;
    expect(o.stdout).toEndWith("\n499999\n500000\n");
    expect(o.stdout).toContain(`\n[… ${out - 750} characters cut …]\n`);
    expect(o.stderr).toStartWith("err 1\nerr 2\n");
    expect(o.stderr).toEndWith("\nerr 400000\nFATAL: disk full\n");
    expect(o.stderr).toContain(`\n[… ${err - 250} characters cut …]\n`);
    expect(o.truncated).toEqual({ shown: 1000, total: out + err, unit: "chars" });
    expect(o.summary).toContain("exited with code 3 (500000 lines of output): FATAL: disk full;");
  });

  test("a command line as the command: not_found, with a hint", async () => {
    const ls = await run({ command: "ls -la" });
    expect(ls.code).toBe(2);
    expect(ls.out.error).toEqual({ code: "not_found", message: `command "ls -la" was not found on the host's PATH; put arguments in args: {"command":"ls","args":["-la"]}` });
    const piped = await run({ command: "git log | head" });
    expect(piped.code).toBe(2);
    expect(piped.out.error).toEqual({ code: "not_found", message: `command "git log | head" was not found on the host's PATH; it is a shell command line: pass it as {"script":"git log | head"} (needs run permission for sh)` });
  });

  test("an unknown command and a missing cwd are not_found, as a missing file is for fs", async () => {
    const unknown = await run({ command: "no-such-program-here" });
    expect(unknown.code).toBe(2);
    expect(unknown.out.error).toEqual({ code: "not_found", message: `command "no-such-program-here" was not found on the host's PATH` });
    const cwd = await run({ command: "ls", cwd: "~/gone" });
    expect(cwd.code).toBe(2);
    expect(cwd.out.error).toEqual({ code: "not_found", message: "shell.run: cwd ~/gone: no such file or directory" });
  });
});
