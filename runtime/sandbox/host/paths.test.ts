import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realSkillPath } from "./paths.ts";
import { HostError } from "./types.ts";

const root = realpathSync(mkdtempSync(join(tmpdir(), "molt-paths-")));
const inside = join(root, "grant");
const outside = join(root, "outside");
mkdirSync(inside);
mkdirSync(outside);
writeFileSync(join(outside, "secret.txt"), "s");
symlinkSync(outside, join(inside, "out-link"));
symlinkSync(join(outside, "not-yet.txt"), join(inside, "dangling"));
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
