// file_write end to end, for what it must not damage: the real `moltbot skill run`, the shipped
// default policy, --yes, and a real temporary home holding FIFOs, links, read-only and legacy files.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, symlinkSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_POLICY_YAML } from "../../policy/index.ts";
import { CLI, ROOT, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
const home = sb.userHome;
const audit = join(sb.dir, "audit.jsonl");
let policy: string;
const SKILL = join(ROOT, "skills/builtin/file_write");
const args = (params: unknown) => ["skill", "run", SKILL, "--params", JSON.stringify(params), "--policy", policy, "--audit", audit, "--json", "--yes"];
const write = async (params: Record<string, unknown>) => {
  const r = await sb.run(args(params));
  return { ...r, out: JSON.parse(r.stdout) };
};
const lastAudit = () => JSON.parse(readFileSync(audit, "utf8").trim().split("\n").at(-1)!);
const MiB = 1024 * 1024;

beforeAll(() => {
  policy = sb.file("policy.yaml", DEFAULT_POLICY_YAML);
  writeFileSync(join(home, ".bashrc"), "export KEEP=1\n");
  symlinkSync(".bashrc", join(home, "notes-draft.txt"));
  mkdirSync(join(home, "archive/docs"), { recursive: true });
  symlinkSync("archive/docs", join(home, "docs"));
  writeFileSync(join(home, "notes.txt"), "notes\n");
});
afterAll(() => sb.cleanup());

describe("file_write writes regular files only", () => {
  test("a FIFO and a device node are refused with one line and stay what they are", async () => {
    expect(spawnSync("mkfifo", [join(home, "fifo")]).status).toBe(0);
    const nodes = ["fifo"];
    if (spawnSync("mknod", [join(home, "mynull"), "c", "1", "3"]).status === 0) nodes.push("mynull");
    for (const name of nodes) {
      for (const mode of ["overwrite", "append"]) {
        const r = await write({ path: `~/${name}`, content: "x", mode });
        expect(r.code).not.toBe(0);
        expect(r.out.error.message).toMatch(/: is a (named pipe \(FIFO\)|device), not a regular file; only regular files are written$/);
        expect(r.out.error.message).not.toContain("\n");
      }
    }
    expect(lstatSync(join(home, "fifo")).isFIFO()).toBe(true);
    if (nodes.includes("mynull")) expect(lstatSync(join(home, "mynull")).isCharacterDevice()).toBe(true);
  });

  test("a link as the path is refused, naming its target, which stays unchanged; writing the target works", async () => {
    const r = await write({ path: "~/notes-draft.txt", content: "oops\n" });
    expect(r.code).not.toBe(0);
    expect(r.out.error.message).toBe("~/notes-draft.txt is a link to ~/.bashrc; write to ~/.bashrc to change it");
    expect(readFileSync(join(home, ".bashrc"), "utf8")).toBe("export KEEP=1\n");
    expect(lstatSync(join(home, "notes-draft.txt")).isSymbolicLink()).toBe(true);
    expect(lastAudit()).toMatchObject({ tool: "file_write", result: expect.not.stringMatching(/^success$/) });
    const ok = await write({ path: "~/.bashrc", content: "export KEEP=2\n" });
    expect(ok.out.output.summary).toBe("Replaced ~/.bashrc (14 bytes written)");
  });

  test("through a linked folder the summary names the real path written", async () => {
    const r = await write({ path: "~/docs/plan.md", content: "plan\n" });
    expect(r.code).toBe(0);
    expect(r.out.output).toMatchObject({
      summary: "Created ~/archive/docs/plan.md, the real path of ~/docs/plan.md (5 bytes written)", path: "~/docs/plan.md", real_path: "~/archive/docs/plan.md",
    });
    expect(readFileSync(join(home, "archive/docs/plan.md"), "utf8")).toBe("plan\n");
    const plain = await write({ path: "~/notes.txt", content: "n\n", mode: "append" });
    expect(plain.out.output.real_path).toBeUndefined();
  });

  test("a read-only file (0444) is refused, even though the tests run as root", async () => {
    writeFileSync(join(home, "ro.txt"), "frozen\n");
    chmodSync(join(home, "ro.txt"), 0o444);
    for (const mode of ["overwrite", "append"]) {
      const r = await write({ path: "~/ro.txt", content: "thawed\n", mode });
      expect(r.code).not.toBe(0);
      expect(r.out.error.message).toBe(`${join(home, "ro.txt")}: is read-only (mode 0444); make it writable first if it should change`);
    }
    expect(readFileSync(join(home, "ro.txt"), "utf8")).toBe("frozen\n");
  });

  test("as another user, a file that user may not write is refused (access W_OK)", async () => {
    if (process.getuid?.() !== 0) {
      // Not root: a root-owned 0644 file (granted for writing by the policy) is already one.
      const p = sb.file("etc-write.yaml", DEFAULT_POLICY_YAML.replace('file_write: { allow: { read: ["~"], write: ["~"] } }', 'file_write: { allow: { read: ["~"], write: ["~", /etc/hostname] } }'));
      const r = await sb.run(["skill", "run", SKILL, "--params", JSON.stringify({ path: "/etc/hostname", content: "x" }), "--policy", p, "--json", "--yes"]);
      expect(r.code).not.toBe(0);
      expect(JSON.parse(r.stdout).error.message).toMatch(/^\/etc\/hostname: is not writable by this user \(mode 0\d{3}\)$/);
      return;
    }
    if (spawnSync("setpriv", ["--version"]).status !== 0) throw new Error("this test runs the CLI as user nobody with setpriv (Debian package util-linux)");
    // A home that user owns, holding a root-owned 0644 file: the folder allows the rename, the file does not allow the write.
    const other = new Sandbox();
    try {
      chmodSync(other.dir, 0o755);
      mkdirSync(other.home);
      chownSync(other.userHome, 65534, 65534);
      chownSync(other.home, 65534, 65534);
      const p = other.file("policy.yaml", DEFAULT_POLICY_YAML);
      writeFileSync(join(other.userHome, "wonly.txt"), "root's\n");
      const run = Bun.spawn(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bun", CLI, "skill", "run", SKILL,
        "--params", JSON.stringify({ path: "~/wonly.txt", content: "nobody's\n" }), "--policy", p, "--json", "--yes"], { env: other.env(), stdout: "pipe", stderr: "pipe" });
      const [out, code] = await Promise.all([new Response(run.stdout).text(), run.exited]);
      expect(code).not.toBe(0);
      expect(JSON.parse(out).error.message).toBe(`${join(other.userHome, "wonly.txt")}: is not writable by this user (mode 0644)`);
      expect(readFileSync(join(other.userHome, "wonly.txt"), "utf8")).toBe("root's\n");
    } finally {
      other.cleanup();
    }
  });
});

describe("file_write append", () => {
  test("adds to a file bigger than the sandbox's memory without reading it whole", async () => {
    // 80 MiB, sparse: text at both ends (what the encoding check samples), a hole between.
    const path = join(home, "huge.log");
    const fd = openSync(path, "w");
    writeSync(fd, Buffer.from("start line\n".repeat(8000)));
    writeSync(fd, Buffer.from("end line\n".repeat(8000)), 0, 72_000, 80 * MiB - 72_000);
    closeSync(fd);
    const r = await write({ path: "~/huge.log", content: "appended\n", mode: "append" });
    expect(r.code).toBe(0);
    expect(r.out.output.summary).toBe("Appended to ~/huge.log (9 bytes added)");
    expect(statSync(path).size).toBe(80 * MiB + 9);
    const tail = Buffer.alloc(18);
    const rd = openSync(path, "r");
    readSync(rd, tail, 0, 18, 80 * MiB - 9);
    closeSync(rd);
    expect(tail.toString()).toBe("end line\nappended\n");
  });

  test("concurrent appends all land", async () => {
    writeFileSync(join(home, "shared.log"), "");
    const runs = ["one", "two", "three", "four"].map((w) => sb.run(args({ path: "~/shared.log", content: `${w}\n`, mode: "append" })));
    expect((await Promise.all(runs)).map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(readFileSync(join(home, "shared.log"), "utf8").split("\n").filter(Boolean).sort()).toEqual(["four", "one", "three", "two"]);
  });

  test("text added to a windows-1252 file is written in windows-1252, and it says so", async () => {
    writeFileSync(join(home, "l2.txt"), Buffer.from("caf\xe9 na\xefve\n", "latin1"));
    const r = await write({ path: "~/l2.txt", content: "crème brûlée €5\n", mode: "append" });
    expect(r.code).toBe(0);
    expect(r.out.output).toMatchObject({ summary: "Appended to ~/l2.txt (16 bytes added, in windows-1252 to match the file)", encoding: "windows-1252" });
    expect([...readFileSync(join(home, "l2.txt"))]).toEqual([...Buffer.from("caf\xe9 na\xefve\ncr\xe8me br\xfbl\xe9e \x805\n", "latin1")]);
    // A UTF-8 file still gets UTF-8, even when the last 64 KiB looked at start inside a character.
    writeFileSync(join(home, "utf8.txt"), "é".repeat(70_001)); // 140002 bytes
    const utf8 = await write({ path: "~/utf8.txt", content: "ü\n", mode: "append" });
    expect(utf8.out.output.summary).toBe("Appended to ~/utf8.txt (3 bytes added)");
    expect(readFileSync(join(home, "utf8.txt"), "utf8").endsWith("éü\n")).toBe(true);
  });

  test("text windows-1252 cannot hold is refused for such a file, which stays as it was", async () => {
    const before = readFileSync(join(home, "l2.txt"));
    const r = await write({ path: "~/l2.txt", content: "a → b\n", mode: "append" });
    expect(r.code).not.toBe(0);
    expect(r.out.error.message).toContain('~/l2.txt is not UTF-8 text (it looks like windows-1252 or another legacy encoding), and "→" cannot be written in windows-1252');
    expect(readFileSync(join(home, "l2.txt"))).toEqual(before);
  });
});

describe("file_write paths", () => {
  test("a path ending in / names a folder: nothing is created, not even with create_dirs", async () => {
    for (const create_dirs of [false, true]) {
      const r = await write({ path: "~/newdir/", content: "x", create_dirs });
      expect(r.code).not.toBe(0);
      expect(r.out.error.message).toBe("~/newdir/ ends in /, so it names a folder; give a file name");
    }
    expect(existsSync(join(home, "newdir"))).toBe(false);
  });

  test("file_read of a file with a trailing / fails: not a directory", async () => {
    const r = await sb.run(["skill", "run", join(ROOT, "skills/builtin/file_read"), "--params", JSON.stringify({ path: "~/notes.txt/" }), "--policy", policy, "--json"]);
    expect(r.code).not.toBe(0);
    expect(JSON.parse(r.stdout).error.message).toContain("not a directory");
  });

  test("a missing folder says how to create it", async () => {
    const r = await write({ path: "~/w/new.txt", content: "x" });
    expect(r.out.error).toEqual({
      code: "not_found", message: `${join(home, "w/new.txt")}: no such file or directory (the folder ${join(home, "w")} does not exist); pass create_dirs: true to create it`,
    });
    expect((await write({ path: "~/w/new.txt", content: "x", create_dirs: true })).code).toBe(0);
  });

  test("a temp file a killed write left is removed by the next write of that file, once it is an hour old", async () => {
    const stale = join(home, ".target.txt.0123456789ab.moltbot.tmp");
    const fresh = join(home, ".target.txt.ba9876543210.moltbot.tmp");
    writeFileSync(stale, "half");
    writeFileSync(fresh, "half");
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(stale, old, old);
    expect((await write({ path: "~/target.txt", content: "whole\n" })).code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(readdirSync(home).filter((n) => n.startsWith(".target.txt."))).toEqual([".target.txt.ba9876543210.moltbot.tmp"]);
  });
});
