import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, existsSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HOST_API } from "./index.ts";
import { policyWith, testContext, denied } from "./test-context.ts";
import { HostDenied, HostError, type HostContext, type HostFn } from "./types.ts";

const root = realpathSync(mkdtempSync(join(tmpdir(), "molt-fs-")));
const a = join(root, "a");
const ab = join(root, "ab"); // sibling whose name starts with "a": the prefix trap
const outside = join(root, "outside");
for (const d of [a, ab, outside]) mkdirSync(d);
writeFileSync(join(a, "note.txt"), "hello from a");
writeFileSync(join(ab, "note.txt"), "hello from ab");
writeFileSync(join(outside, "secret.txt"), "outside secret");
symlinkSync(outside, join(a, "escape"));
symlinkSync(join(outside, "secret.txt"), join(a, "secret-link"));
symlinkSync(a, join(outside, "into-a"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A host function may answer at once or with a promise, and throw in either; the bridge hands
// the skill a promise either way. So do these tests.
const fs = Object.fromEntries(
  Object.entries(HOST_API.fs!).map(([name, fn]) => [name, (ctx: HostContext, args: unknown[]) => Promise.resolve().then(() => fn(ctx, args))]),
) as Record<string, HostFn>;
const grantA = () => testContext({ policy: policyWith(`{ read: ["${a}"], write: ["${a}"] }`), permissions: { read: "all", write: "all" }, home: a });

describe("fs reads", () => {
  test("reads a granted file as text and bytes, and stats it", async () => {
    const ctx = grantA();
    expect(await fs.readTextFile!(ctx, [join(a, "note.txt")])).toBe("hello from a");
    expect(new TextDecoder().decode((await fs.readFile!(ctx, ["~/note.txt"])) as Uint8Array)).toBe("hello from a");
    expect(await fs.stat!(ctx, [join(a, "note.txt")])).toMatchObject({ isFile: true, isDirectory: false, size: 12 });
  });

  test("the sibling directory ab is not covered by a grant of a", async () => {
    const ctx = grantA();
    const err = await denied(fs.readTextFile!(ctx, [join(ab, "note.txt")]));
    expect(err.name).toBe("PermissionDenied");
    expect(err.message).toContain(`Requires read access to "${join(ab, "note.txt")}"`);
    expect(err.message).toContain("skills.tester.allow.read");
    expect(ctx.denials).toEqual([{ kind: "read", value: join(ab, "note.txt"), rule: "prompt", caught: false }]);
  });

  test("`..` cannot climb out of the grant", async () => {
    await denied(fs.readTextFile!(grantA(), [`${a}/../ab/note.txt`]));
    await denied(fs.readDir!(grantA(), [`${a}/..`]));
  });

  test("a symlink inside the grant pointing outside is denied; one outside pointing in is allowed", async () => {
    await denied(fs.readTextFile!(grantA(), [join(a, "secret-link")]));
    await denied(fs.readTextFile!(grantA(), [join(a, "escape", "secret.txt")]));
    expect(await fs.readTextFile!(grantA(), [join(outside, "into-a", "note.txt")])).toBe("hello from a");
  });

  test("NUL bytes and relative paths are errors, not lookups", async () => {
    await expect(fs.readTextFile!(grantA(), [`${a}/note.txt\0.png`]) as Promise<unknown>).rejects.toThrow(/NUL/);
    await expect(fs.readTextFile!(grantA(), ["note.txt"]) as Promise<unknown>).rejects.toThrow(/relative/);
  });

  test("lists a directory with entry kinds", async () => {
    const list = (await fs.readDir!(grantA(), [a])) as { name: string; isSymlink: boolean; isFile: boolean }[];
    const byName = Object.fromEntries(list.map((e) => [e.name, e]));
    expect(Object.keys(byName).sort()).toEqual(["escape", "note.txt", "secret-link"]);
    expect(byName["note.txt"]).toMatchObject({ isFile: true, isSymlink: false });
    expect(byName["escape"]).toMatchObject({ isSymlink: true });
  });

  test("a missing file is a not_found HostError, after the permission check", async () => {
    await expect(fs.readTextFile!(grantA(), [join(a, "missing.txt")]) as Promise<unknown>).rejects.toMatchObject({ name: "HostError", code: "not_found" });
    await denied(fs.readTextFile!(grantA(), [join(ab, "missing.txt")]));
  });

  test("reads larger than the sandbox memory limit are refused", async () => {
    writeFileSync(join(a, "big.bin"), new Uint8Array(4096));
    const ctx = testContext({ policy: policyWith(`{ read: ["${a}"] }`), permissions: { read: "all" }, limits: { memoryBytes: 1024 } });
    await expect(fs.readFile!(ctx, [join(a, "big.bin")]) as Promise<unknown>).rejects.toMatchObject({ code: "output_limit" });
    rmSync(join(a, "big.bin"));
  });

  test("readFile with { offset, length } returns just that byte range, clamped to the file", async () => {
    writeFileSync(join(a, "digits.txt"), "0123456789");
    const read = async (opts: unknown) => new TextDecoder().decode((await fs.readFile!(grantA(), [join(a, "digits.txt"), opts])) as Uint8Array);
    expect(await read({ offset: 2, length: 3 })).toBe("234");
    expect(await read({ length: 4 })).toBe("0123");
    expect(await read({ offset: 8 })).toBe("89");
    expect(await read({ offset: 8, length: 100 })).toBe("89");
    expect(await read({ offset: 50 })).toBe("");
    expect(await read({ length: 0 })).toBe("");
    rmSync(join(a, "digits.txt"));
  });

  test("a range of a file larger than the memory limit can be read; the whole file cannot", async () => {
    writeFileSync(join(a, "big.bin"), new Uint8Array(4096).fill(7));
    const ctx = testContext({ policy: policyWith(`{ read: ["${a}"] }`), permissions: { read: "all" }, limits: { memoryBytes: 1024 } });
    expect([...((await fs.readFile!(ctx, [join(a, "big.bin"), { offset: 4000, length: 512 }])) as Uint8Array)]).toEqual(new Array(96).fill(7));
    await expect(fs.readFile!(ctx, [join(a, "big.bin"), { offset: 100 }]) as Promise<unknown>).rejects.toMatchObject({ code: "output_limit" });
    rmSync(join(a, "big.bin"));
  });

  test("bad readFile options are an invalid_params error naming the option", async () => {
    for (const [opts, words] of [
      ["3", "must be an object"],
      [{ offset: -1 }, "offset must be"],
      [{ offset: 1.5 }, "offset must be"],
      [{ length: "9" }, "length must be"],
      [{ from: 3 }, 'unknown option "from"'],
    ] as const) {
      await expect(fs.readFile!(grantA(), [join(a, "note.txt"), opts]) as Promise<unknown>).rejects.toMatchObject({ code: "invalid_params", message: expect.stringContaining(words) });
    }
  });

  test("a prompt is asked once per value and a yes is remembered for the call", async () => {
    const ctx = testContext({ policy: "version: 1\nprompt: true\n", permissions: { read: "all" }, answer: true });
    expect(await fs.readTextFile!(ctx, [join(ab, "note.txt")])).toBe("hello from ab");
    expect(await fs.readTextFile!(ctx, [join(ab, "note.txt")])).toBe("hello from ab");
    expect(ctx.asked.length).toBe(1);
    expect(ctx.asked[0]!.req).toEqual({ kind: "read", value: join(ab, "note.txt") });
  });

  test("a prompt answered no denies", async () => {
    const ctx = testContext({ policy: "version: 1\nprompt: true\n", permissions: { read: "all" }, answer: false });
    await denied(fs.readTextFile!(ctx, [join(ab, "note.txt")]));
    expect(ctx.asked.length).toBe(1);
  });

  test("undeclared permissions are denied even when the policy grants them", async () => {
    const ctx = testContext({ policy: policyWith(`{ read: ["${a}"] }`), permissions: {} });
    const err = await denied(fs.readTextFile!(ctx, [join(a, "note.txt")]));
    expect(err.decision.rule).toBe("manifest");
  });
});

describe("fs writes", () => {
  test("writes atomically: the content lands whole and no temp file is left", async () => {
    const ctx = grantA();
    await fs.writeTextFile!(ctx, [join(a, "out.txt"), "first"]);
    await fs.writeTextFile!(ctx, ["~/out.txt", "second"]);
    expect(readFileSync(join(a, "out.txt"), "utf8")).toBe("second");
    expect(readdirSync(a).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    await fs.writeFile!(ctx, [join(a, "out.bin"), new Uint8Array([1, 2, 3])]);
    expect([...readFileSync(join(a, "out.bin"))]).toEqual([1, 2, 3]);
  });

  test("keeps the mode of a file it replaces", async () => {
    writeFileSync(join(a, "script.sh"), "old");
    chmodSync(join(a, "script.sh"), 0o750);
    await fs.writeTextFile!(grantA(), [join(a, "script.sh"), "new"]);
    expect(statSync(join(a, "script.sh")).mode & 0o777).toBe(0o750);
  });

  test("writing through a link that points outside is judged by the outside path", async () => {
    await denied(fs.writeTextFile!(grantA(), [join(a, "secret-link"), "overwrite"]));
    await denied(fs.writeTextFile!(grantA(), [join(a, "escape", "new.txt"), "x"]));
    expect(readFileSync(join(outside, "secret.txt"), "utf8")).toBe("outside secret");
    expect(existsSync(join(outside, "new.txt"))).toBe(false);
  });

  test("write needs `write`, not just `read`", async () => {
    const ctx = testContext({ policy: policyWith(`{ read: ["${a}"] }`), permissions: { read: "all", write: "all" } });
    await denied(fs.writeTextFile!(ctx, [join(a, "x.txt"), "x"]));
    await denied(fs.writeTextFile!(grantA(), [join(ab, "x.txt"), "x"]));
  });

  test("mkdir and remove, recursive only when asked", async () => {
    const ctx = grantA();
    await fs.mkdir!(ctx, [join(a, "d1", "d2"), { recursive: true }]);
    await expect(fs.mkdir!(ctx, [join(a, "e1", "e2")]) as Promise<unknown>).rejects.toMatchObject({ code: "not_found" });
    await fs.writeTextFile!(ctx, [join(a, "d1", "d2", "f.txt"), "x"]);
    await expect(fs.remove!(ctx, [join(a, "d1")]) as Promise<unknown>).rejects.toBeInstanceOf(HostError);
    await fs.remove!(ctx, [join(a, "d1"), { recursive: true }]);
    expect(existsSync(join(a, "d1"))).toBe(false);
  });

  test("removing a link removes the link, never what it points to", async () => {
    symlinkSync(join(outside, "secret.txt"), join(a, "to-remove"));
    await fs.remove!(grantA(), [join(a, "to-remove")]);
    expect(existsSync(join(a, "to-remove"))).toBe(false);
    expect(lstatSync(join(outside, "secret.txt")).isFile()).toBe(true);
  });

  test("cannot remove or create outside the grant", async () => {
    await denied(fs.remove!(grantA(), [join(ab, "note.txt")]));
    await denied(fs.mkdir!(grantA(), [join(ab, "sub")]));
    expect(existsSync(join(ab, "note.txt"))).toBe(true);
  });
});

describe("fs writes refuse what they would damage", () => {
  const w = join(root, "w");
  mkdirSync(w);
  const grantW = (limits?: { memoryBytes: number }) =>
    testContext({ policy: policyWith(`{ read: ["${w}"], write: ["${w}"] }`), permissions: { read: "all", write: "all" }, home: w, limits });
  const fail = (p: unknown) => Promise.resolve(p).then(() => { throw new Error("expected a failure"); }, (e: unknown) => e as HostError);

  test("a FIFO or a device node is not replaced by a plain file, by a write or an append", async () => {
    expect(spawnSync("mkfifo", [join(w, "fifo")]).status).toBe(0);
    const nodes = ["fifo"];
    if (spawnSync("mknod", [join(w, "null"), "c", "1", "3"]).status === 0) nodes.push("null");
    for (const name of nodes) {
      for (const call of [fs.writeTextFile!(grantW(), [`~/${name}`, "x"]), fs.appendFile!(grantW(), [`~/${name}`, "x"])]) {
        const err = await fail(call);
        expect(err).toMatchObject({ name: "HostError", code: "invalid_params" });
        expect(err.message).toMatch(/: is a (named pipe \(FIFO\)|device), not a regular file; only regular files are written$/);
      }
    }
    expect(lstatSync(join(w, "fifo")).isFIFO()).toBe(true);
    if (nodes.includes("null")) expect(lstatSync(join(w, "null")).isCharacterDevice()).toBe(true);
  });

  test("a link as the last component is refused, naming its target; a linked folder earlier is followed", async () => {
    writeFileSync(join(w, ".bashrc"), "keep me\n");
    symlinkSync(".bashrc", join(w, "draft.txt"));
    symlinkSync("missing-target.txt", join(w, "dangling.txt"));
    for (const fn of [fs.writeTextFile!, fs.appendFile!]) {
      const err = await fail(fn(grantW(), ["~/draft.txt", "x"]));
      expect(err).toMatchObject({ code: "invalid_params", message: "~/draft.txt is a link to ~/.bashrc; write to ~/.bashrc to change it" });
    }
    expect((await fail(fs.writeFile!(grantW(), [join(w, "dangling.txt"), new Uint8Array([1])]))).message)
      .toBe(`${join(w, "dangling.txt")} is a link to ~/missing-target.txt; write to ~/missing-target.txt to change it`);
    expect(readFileSync(join(w, ".bashrc"), "utf8")).toBe("keep me\n");
    expect(existsSync(join(w, "missing-target.txt"))).toBe(false);
    // The real path comes back when a link led elsewhere; the given one otherwise.
    mkdirSync(join(w, "real-dir"));
    symlinkSync("real-dir", join(w, "dir-link"));
    expect(await fs.writeTextFile!(grantW(), ["~/dir-link/a.txt", "via"])).toEqual({ path: "~/real-dir/a.txt" });
    expect(await fs.appendFile!(grantW(), ["~/dir-link/a.txt", "+"])).toEqual({ path: "~/real-dir/a.txt", created: false });
    expect(readFileSync(join(w, "real-dir/a.txt"), "utf8")).toBe("via+");
    expect(await fs.writeTextFile!(grantW(), ["~/real-dir/../real-dir/b.txt", "b"])).toEqual({ path: "~/real-dir/../real-dir/b.txt" });
  });

  test("a file nobody may write (0444) is refused even for root, by a write and an append", async () => {
    writeFileSync(join(w, "ro.txt"), "frozen\n");
    chmodSync(join(w, "ro.txt"), 0o444);
    for (const fn of [fs.writeTextFile!, fs.appendFile!]) {
      expect(await fail(fn(grantW(), ["~/ro.txt", "x"]))).toMatchObject({
        code: "invalid_params", message: `${join(w, "ro.txt")}: is read-only (mode 0444); make it writable first if it should change`,
      });
    }
    expect(readFileSync(join(w, "ro.txt"), "utf8")).toBe("frozen\n");
  });

  test("a path ending in / names a folder: writes refuse it, reads of a file through it fail", async () => {
    for (const fn of [fs.writeTextFile!, fs.appendFile!]) {
      expect(await fail(fn(grantW(), ["~/newdir/", "x"]))).toMatchObject({ code: "invalid_params", message: "~/newdir/ ends in /, so it names a folder; give a file name" });
    }
    expect(existsSync(join(w, "newdir"))).toBe(false);
    writeFileSync(join(w, "plain.txt"), "plain");
    for (const fn of [fs.readTextFile!, fs.readFile!, fs.stat!]) {
      expect(await fail(fn(grantW(), ["~/plain.txt/"]))).toMatchObject({ code: "not_found", message: `${join(w, "plain.txt")}: not a directory` });
    }
    expect(await fail(fs.readTextFile!(grantW(), ["~/plain.txt/."]))).toMatchObject({ message: `${join(w, "plain.txt")}: not a directory` });
    await fs.mkdir!(grantW(), ["~/made/"]);
    expect(await fs.stat!(grantW(), ["~/made/"])).toMatchObject({ isDirectory: true });
  });

  test("a missing folder is named in the error", async () => {
    for (const fn of [fs.writeTextFile!, fs.appendFile!]) {
      expect(await fail(fn(grantW(), ["~/nowhere/new.txt", "x"]))).toMatchObject({
        code: "not_found", message: `${join(w, "nowhere/new.txt")}: no such file or directory (the folder ${join(w, "nowhere")} does not exist)`,
      });
    }
  });

  test("stale temp files of the same file (ours, over an hour old) go at its next write; others stay", async () => {
    const old = new Date(Date.now() - 2 * 3600_000);
    const names = {
      stale: ".swept.txt.0123456789ab.moltbot.tmp",
      fresh: ".swept.txt.ba9876543210.moltbot.tmp",
      otherFile: ".other.txt.0123456789ab.moltbot.tmp",
      notOurs: ".swept.txt.0123456789ab.tmp",
    };
    for (const n of Object.values(names)) writeFileSync(join(w, n), "partial");
    for (const n of [names.stale, names.otherFile, names.notOurs]) utimesSync(join(w, n), old, old);
    await fs.writeTextFile!(grantW(), ["~/swept.txt", "whole"]);
    expect(readFileSync(join(w, "swept.txt"), "utf8")).toBe("whole");
    expect(readdirSync(w).filter((n) => n.endsWith(".tmp")).sort()).toEqual([names.otherFile, names.fresh, names.notOurs].sort());
  });
});

describe("fs.appendFile", () => {
  const p = join(root, "app");
  mkdirSync(p);
  const grantP = (limits?: { memoryBytes: number }) =>
    testContext({ policy: policyWith(`{ write: ["${p}"] }`), permissions: { write: "all" }, home: p, limits });

  test("adds text and bytes at the end; creates a missing file and says so", async () => {
    expect(await fs.appendFile!(grantP(), ["~/log.txt", "héllo\n"])).toEqual({ path: "~/log.txt", created: true });
    expect(await fs.appendFile!(grantP(), [join(p, "log.txt"), new Uint8Array([0x21, 0x0a])])).toEqual({ path: join(p, "log.txt"), created: false });
    expect(readFileSync(join(p, "log.txt"), "utf8")).toBe("héllo\n!\n");
  });

  test("appends to a file larger than the sandbox's memory and read limit without reading it", async () => {
    writeFileSync(join(p, "big.log"), new Uint8Array(4096).fill(0x61));
    await fs.appendFile!(grantP({ memoryBytes: 1024 }), ["~/big.log", "tail\n"]);
    expect(readFileSync(join(p, "big.log"), "utf8")).toBe("a".repeat(4096) + "tail\n");
  });

  test("needs `write`, like writeFile, and refuses what is not a string or bytes", async () => {
    const readOnly = testContext({ policy: policyWith(`{ read: ["${p}"] }`), permissions: { read: "all", write: "all" } });
    await denied(fs.appendFile!(readOnly, [join(p, "log.txt"), "x"]));
    await expect(fs.appendFile!(grantP(), [join(p, "log.txt"), 42]) as Promise<unknown>).rejects.toMatchObject({ code: "invalid_params" });
  });

  test("appends from many concurrent processes all land", async () => {
    const target = join(p, "shared.log");
    const script = `import { HOST_API } from ${JSON.stringify(join(import.meta.dir, "index.ts"))};
import { policyWith, testContext } from ${JSON.stringify(join(import.meta.dir, "test-context.ts"))};
const ctx = testContext({ policy: policyWith(\`{ write: ["${p}"] }\`), permissions: { write: "all" } });
for (let i = 0; i < 50; i++) await HOST_API.fs.appendFile(ctx, [${JSON.stringify(target)}, process.argv[2] + i + "\\n"]);`;
    writeFileSync(join(p, "appender.ts"), script);
    const procs = ["a", "b", "c", "d"].map((who) => Bun.spawn(["bun", join(p, "appender.ts"), who], { stdout: "ignore", stderr: "inherit" }));
    expect(await Promise.all(procs.map((x) => x.exited))).toEqual([0, 0, 0, 0]);
    expect(readFileSync(target, "utf8").trim().split("\n").sort()).toEqual(["a", "b", "c", "d"].flatMap((who) => Array.from({ length: 50 }, (_, i) => who + i)).sort());
  });
});
