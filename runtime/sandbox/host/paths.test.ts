import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HOST_API } from "./index.ts";
import { namesFolder, realSkillPath, tildePath } from "./paths.ts";
import { denied, policyWith, testContext } from "./test-context.ts";
import { HostError } from "./types.ts";

const root = realpathSync(mkdtempSync(join(tmpdir(), "molt-paths-")));
const inside = join(root, "grant");
const outside = join(root, "outside");
mkdirSync(inside);
mkdirSync(outside);
writeFileSync(join(outside, "secret.txt"), "s");
symlinkSync(outside, join(inside, "out-link"));
symlinkSync(join(outside, "not-yet.txt"), join(inside, "dangling"));
symlinkSync(join(outside, "loop"), join(outside, "loop")); // a link to itself: ELOOP
symlinkSync(join(inside, "loop"), join(inside, "loop"));
// A real folder with a long name behind a short link: reasons cut values at 60 characters.
const deep = join(outside, "a-folder-whose-name-is-long-enough-to-be-cut-in-a-reason-0123456789");
mkdirSync(deep);
symlinkSync(deep, join(root, "short"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("realSkillPath", () => {
  test("rejects NUL bytes, relative paths, non-strings and ~user", () => {
    expect(() => realSkillPath(`${inside}/a\0b`, root)).toThrow(/NUL/);
    expect(() => realSkillPath("notes.txt", root)).toThrow(/relative/);
    expect(() => realSkillPath("./notes.txt", root)).toThrow(HostError);
    expect(() => realSkillPath("~bob/x", root)).toThrow(/relative/);
    expect(() => realSkillPath(42, root)).toThrow(HostError);
    expect(() => realSkillPath("", root)).toThrow(HostError);
  });

  test("expands ~ to the home it is given", () => {
    expect(realSkillPath("~", inside)).toBe(inside);
    expect(realSkillPath("~/new/file.txt", inside)).toBe(join(inside, "new", "file.txt"));
  });

  test("a symlink inside pointing outside resolves to the outside path", () => {
    expect(realSkillPath(join(inside, "out-link", "secret.txt"), root)).toBe(join(outside, "secret.txt"));
    expect(realSkillPath(join(inside, "out-link", "new.txt"), root)).toBe(join(outside, "new.txt"));
  });

  test("a dangling link as final component is judged by where it would write", () => {
    expect(realSkillPath(join(inside, "dangling"), root)).toBe(join(outside, "not-yet.txt"));
    expect(realSkillPath(join(inside, "dangling"), root, false)).toBe(join(inside, "dangling"));
  });

  test("not following the final link keeps the link itself but resolves its parent", () => {
    expect(realSkillPath(join(inside, "out-link"), root, false)).toBe(join(inside, "out-link"));
    expect(realSkillPath(join(inside, "out-link"), root, true)).toBe(outside);
  });

  test("`..` is resolved before the check, so it cannot hide an escape", () => {
    expect(realSkillPath(join(inside, "..", "outside", "secret.txt"), root)).toBe(join(outside, "secret.txt"));
    expect(realSkillPath(`${inside}/missing/../../outside/x`, root)).toBe(join(outside, "x"));
  });

  test("a path that does not exist yet keeps its tail after the real ancestor", () => {
    expect(realSkillPath(join(inside, "a", "b", "c.txt"), root)).toBe(join(inside, "a", "b", "c.txt"));
  });
});

describe("what a denial tells the skill", () => {
  const stat = HOST_API.fs!.stat!;
  const noGrants = () => testContext({ policy: "version: 1\nprompt: false\n", permissions: { read: "all" } });

  test("it names the path as the skill gave it, never the real path behind a link", async () => {
    const ctx = noGrants();
    const err = await denied(Promise.resolve().then(() => stat(ctx, ["/proc/self/cwd"])));
    expect(err.message).toContain('"/proc/self/cwd"');
    expect(err.message).not.toContain(process.cwd());
    // The audit keeps the real path that was judged.
    expect(ctx.denials).toEqual([{ kind: "read", value: process.cwd(), rule: "prompt", caught: false }]);
  });

  test("a real path too long to be shown whole is not shown cut either", async () => {
    const err = await denied(Promise.resolve().then(() => stat(noGrants(), [join(root, "short")])));
    expect(err.message).toContain(JSON.stringify(join(root, "short")));
    expect(err.message).not.toContain("a-folder-whose");
  });

  test("the shell's cwd is denied the same way", async () => {
    const ctx = testContext({ policy: policyWith("{ run: [sh] }"), permissions: { run: "all", read: "all" } });
    const err = await denied(HOST_API.shell!.run!(ctx, ["sh", ["-c", "true"], { cwd: "/proc/self/cwd" }]));
    expect(err.message).toContain('"/proc/self/cwd"');
    expect(err.message).not.toContain(process.cwd());
  });

  test("a link loop outside the grants is the same denial as any path outside them", async () => {
    const ctx = testContext({ policy: policyWith(`{ read: ["${inside}"] }`), permissions: { read: "all" } });
    const err = await denied(Promise.resolve().then(() => stat(ctx, [join(outside, "loop")])));
    expect(err.message).toContain(`Requires read access to "${join(outside, "loop")}"`);
    expect(ctx.denials).toEqual([{ kind: "read", value: join(outside, "loop"), rule: "prompt", caught: false }]);
    // Inside the grants it is what it is.
    await expect(Promise.resolve().then(() => stat(ctx, [join(inside, "loop")]))).rejects.toMatchObject({ code: "invalid_params" });
  });
});

describe("a trailing slash and the home as ~", () => {
  test("a path ending in / or /. names a folder; resolving drops the ending, so it is read from the string", () => {
    expect(realSkillPath("~/notes.txt/", inside)).toBe(join(inside, "notes.txt"));
    for (const p of ["~/newdir/", "/tmp/", "/", "~/a/."]) expect(namesFolder(p)).toBe(true);
    for (const p of ["~/newdir", "~", "~/a.", "/tmp/x"]) expect(namesFolder(p)).toBe(false);
  });

  test("every fs call through onPath: a file given with a trailing / is not a directory; a folder is fine", async () => {
    writeFileSync(join(inside, "file.txt"), "f");
    const ctx = testContext({ policy: policyWith(`{ read: ["${inside}"] }`), permissions: { read: "all" }, home: inside });
    await expect(Promise.resolve().then(() => HOST_API.fs!.stat!(ctx, ["~/file.txt/"]))).rejects.toMatchObject({ code: "not_found", message: `${join(inside, "file.txt")}: not a directory` });
    await expect(Promise.resolve().then(() => HOST_API.fs!.readDir!(ctx, [`${inside}/`]))).resolves.toBeArray();
    // Outside the grants the answer is the denial, never whether the path is a file.
    await denied(Promise.resolve().then(() => HOST_API.fs!.stat!(ctx, [`${join(outside, "secret.txt")}/`])));
  });

  test("tildePath writes a real path inside the home (as given or as its real path) with ~", () => {
    expect(tildePath(join(inside, "a", "b.txt"), inside)).toBe("~/a/b.txt");
    expect(tildePath(inside, inside)).toBe("~");
    expect(tildePath(`${inside}-other/x`, inside)).toBe(`${inside}-other/x`);
    // The home through a link: the real path is still shown with ~.
    symlinkSync(inside, join(root, "home-link"));
    expect(tildePath(join(inside, "n.txt"), join(root, "home-link"))).toBe("~/n.txt");
    expect(tildePath("/etc/passwd", "/")).toBe("/etc/passwd");
  });
});
