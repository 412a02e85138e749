import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MoltFailure } from "../runtime/contracts/errors.ts";
import { checkPermission, checkRun } from "./check-permission.ts";
import { loadPolicyFile } from "./load-policy.ts";

let dir: string;
let home: string;
let real: string;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "moltbot-policy-")));
  real = join(dir, "real");
  home = join(dir, "home");
  mkdirSync(join(real, "data", "sub"), { recursive: true });
  mkdirSync(join(real, "secret"), { recursive: true });
  mkdirSync(home);
  symlinkSync(real, join(dir, "link")); // dir/link → dir/real
  symlinkSync(join(real, "data"), join(home, "data")); // ~/data → real/data
  writeFileSync(
    join(dir, "policy.yaml"),
    `version: 1
deny:
  read: ["${dir}/link/secret"]
skills:
  files:
    allow:
      read: ["${dir}/link/data", "~/data", "~/notes", "${dir}/link/not-yet/inner"]
      write: ["${dir}/link/data/sub"]
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const skill = { name: "files", permissions: { read: "all" as const, write: "all" as const } };

describe("loadPolicyFile", () => {
  test("grants through a symlink match the real paths the sandbox passes", () => {
    const p = loadPolicyFile(join(dir, "policy.yaml"), { home });
    const check = (kind: "read" | "write", value: string) => checkPermission(p, skill, { kind, value }, { home }).decision;
    expect(check("read", join(real, "data", "a.txt"))).toBe("allow");
    expect(check("read", join(real, "data"))).toBe("allow");
    expect(check("write", join(real, "data", "sub", "x"))).toBe("allow");
    expect(check("write", join(real, "data", "y"))).toBe("prompt");
    expect(check("read", join(real, "datax"))).toBe("prompt");
  });

  test("a deny through a symlink also covers the real path", () => {
    const p = loadPolicyFile(join(dir, "policy.yaml"), { home });
    const d = checkPermission(p, skill, { kind: "read", value: join(real, "secret", "key") }, { home });
    expect(d).toMatchObject({ decision: "deny", rule: "deny.read[0]" });
    expect(d.reason).toContain(`"${dir}/link/secret"`); // the entry as written
  });

  test("~ is expanded with the given home and then resolved", () => {
    const p = loadPolicyFile(join(dir, "policy.yaml"), { home });
    expect(p.skills.files?.allow.resolved?.read?.[1]).toBe(join(real, "data"));
    expect(p.skills.files?.allow.resolved?.read?.[2]).toBe(join(home, "notes"));
    expect(p.skills.files?.allow.read?.[1]).toBe("~/data");
  });

  test("a path that does not exist yet is resolved through its existing ancestor", () => {
    const p = loadPolicyFile(join(dir, "policy.yaml"), { home });
    expect(p.skills.files?.allow.resolved?.read?.[3]).toBe(join(real, "not-yet", "inner"));
  });

  test("the loaded policy survives structured clone (it is posted to workers)", () => {
    const p = loadPolicyFile(join(dir, "policy.yaml"), { home });
    expect(structuredClone(p)).toEqual(p);
  });

  test("a missing file says how to fix it, fitting where its path came from", () => {
    const path = join(dir, "nope.yaml");
    const errorFor = (from?: "--policy" | "argument" | "home") => {
      try {
        loadPolicyFile(path, { home, ...(from ? { from } : {}) });
      } catch (err) {
        expect(err).toBeInstanceOf(MoltFailure);
        return (err as MoltFailure).error;
      }
      throw new Error("loaded");
    };
    expect(errorFor("--policy")).toEqual({ code: "invalid_policy", message: `policy file ${path} not found`, hint: "check the path given to --policy" });
    // The home's own file is created before it is read: a path given without `from` came from a flag.
    expect(errorFor()).toEqual(errorFor("--policy"));
    expect(errorFor("argument").hint).toBe("check the path given; without one, the policy.yaml in Moltbot's home is used");
    expect(errorFor("home").hint).toContain("moltbot policy lint");
    for (const from of ["argument", "home"] as const) expect(errorFor(from).hint).not.toContain("given to --policy");
  });

  test("run entries that are paths are pinned to their real paths; names and missing files keep their text", () => {
    mkdirSync(join(real, "bin"), { recursive: true });
    writeFileSync(join(real, "bin", "tool"), "");
    const path = join(dir, "run.yaml");
    writeFileSync(path, `version: 1\ndeny:\n  run: ["${dir}/link/bin/tool", "${real}/bin/tool", sh, "/nonexistent-moltbot/x"]\n`);
    const p = loadPolicyFile(path, { home });
    expect(p.deny.resolved?.run).toEqual([join(real, "bin", "tool"), join(real, "bin", "tool"), "sh", "/nonexistent-moltbot/x"]);
    expect(p.deny.run?.[0]).toBe(`${dir}/link/bin/tool`); // the entry as written, for reasons
  });

  test("a run deny through a link holds for the real file, and the reverse", () => {
    mkdirSync(join(real, "bin"), { recursive: true });
    writeFileSync(join(real, "bin", "tool"), "");
    const tool = join(real, "bin", "tool");
    const linked = `${dir}/link/bin/tool`;
    const path = join(dir, "run-deny.yaml");
    const check = (deny: string, name: string, resolvedPath: string) => {
      writeFileSync(path, `version: 1\nprompt: false\ndeny: { run: ["${deny}"] }\nskills:\n  files: { allow: { run: [tool] } }\n`);
      const p = loadPolicyFile(path, { home });
      return checkRun(p, { name: "files", permissions: { run: ["tool"] } }, { name, resolvedPath, realPath: tool }, { home });
    };
    expect(check(linked, "tool", tool)).toMatchObject({ decision: "deny", rule: "deny.run[0]" });
    expect(check(tool, "tool", linked)).toMatchObject({ decision: "deny", rule: "deny.run[0]" });
    expect(check(`${dir}/link/bin/other`, "tool", tool).decision).toBe("allow");
  });

  test("errors name the file as given", () => {
    const path = join(dir, "bad.yaml");
    writeFileSync(path, "version: 1\nprompt: maybe\n");
    expect(() => loadPolicyFile(path, { home })).toThrow(`${path}:2: prompt: got the string "maybe"; expected true or false`);
  });
});
