import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MoltFailure } from "../../runtime/contracts/errors.ts";
import { installSkill, readLock, removeSkill, verifySkills } from "./index.ts";

const root = mkdtempSync(join(tmpdir(), "moltbot-install-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const paths = { skillsDir: join(root, "home", "skills"), lockFile: join(root, "home", "skills.lock") };

/** A skill folder; `folder` names where it lives (default `<name>-<version>`), so one source can be given a new version. */
function source(name: string, version = "1.0.0", files: Record<string, string> = {}, folder = `${name}-${version}`): string {
  const dir = join(root, "src", folder);
  mkdirSync(join(dir, "lib"), { recursive: true });
  writeFileSync(join(dir, "skill.json"), JSON.stringify({ name, version, description: "d", implementation: "main.js" }));
  writeFileSync(join(dir, "main.js"), `import { x } from "./lib/x.js"; export default async () => x;`);
  writeFileSync(join(dir, "lib", "x.js"), `export const x = "${version}";`);
  for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
  return dir;
}

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof MoltFailure) return err.error;
    throw err;
  }
  throw new Error("expected a failure");
};

describe("skill install / verify / remove", () => {
  test("install copies the folder, records version, source and hash in skills.lock", async () => {
    const r = await installSkill(source("weather"), paths);
    expect(r.replaced).toBe(false);
    expect(readFileSync(join(paths.skillsDir, "weather", "lib", "x.js"), "utf8")).toContain("1.0.0");
    const lock = readLock(paths.lockFile);
    expect(lock.v).toBe(1);
    expect(lock.skills.weather).toMatchObject({ version: "1.0.0", sha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(verifySkills(paths)).toEqual([expect.objectContaining({ name: "weather", state: "ok" })]);
  });

  test("reinstalling from the same source replaces the old version whole", async () => {
    const r = await installSkill(source("weather", "2.0.0", {}, "weather-1.0.0"), paths);
    expect(r.replaced).toBe(true);
    expect(readFileSync(join(paths.skillsDir, "weather", "lib", "x.js"), "utf8")).toContain("2.0.0");
    expect(readLock(paths.lockFile).skills.weather?.version).toBe("2.0.0");
  });

  test("verify notices a file changed after install, and an untracked folder", async () => {
    writeFileSync(join(paths.skillsDir, "weather", "main.js"), "export default async () => 'tampered';");
    mkdirSync(join(paths.skillsDir, "stray"));
    const states = Object.fromEntries(verifySkills(paths).map((v) => [v.name, v.state]));
    expect(states).toEqual({ weather: "modified", stray: "unlocked" });
    rmSync(join(paths.skillsDir, "stray"), { recursive: true });
  });

  test("a broken manifest installs nothing and keeps the installed version", async () => {
    const bad = source("weather", "3.0.0");
    writeFileSync(join(bad, "skill.json"), "{ not json");
    const e = await errorOf(installSkill(bad, paths));
    expect(e.code).toBe("invalid_manifest");
    expect(readLock(paths.lockFile).skills.weather?.version).toBe("2.0.0");
  });

  test("a package with a symbolic link is refused", async () => {
    const linked = source("linky");
    symlinkSync("/etc/passwd", join(linked, "passwd"));
    const e = await errorOf(installSkill(linked, paths));
    expect(e.message).toContain("passwd: is a symbolic link");
    expect(existsSync(join(paths.skillsDir, "linky"))).toBe(false);
  });

  test("remove deletes the folder and the lock entry; an unknown name is not_found", async () => {
    removeSkill("weather", paths);
    expect(existsSync(join(paths.skillsDir, "weather"))).toBe(false);
    expect(readLock(paths.lockFile).skills.weather).toBeUndefined();
    expect((await errorOf(Promise.resolve().then(() => removeSkill("weather", paths)))).code).toBe("not_found");
    expect((await errorOf(Promise.resolve().then(() => removeSkill("../etc", paths)))).code).toBe("not_found");
  });

  test("a built-in skill's name is refused before anything is copied", async () => {
    const e = await errorOf(installSkill(source("file_read", "9.0.0"), paths));
    expect(e).toMatchObject({ code: "invalid_manifest", message: "file_read is the name of a built-in skill; rename it" });
    expect(existsSync(join(paths.skillsDir, "file_read"))).toBe(false);
    expect(readLock(paths.lockFile).skills.file_read).toBeUndefined();
  });
});

describe("a failed install or remove changes nothing", () => {
  const home = join(root, "atomic");
  const p = { skillsDir: join(home, "skills"), lockFile: join(home, "skills.lock") };
  const lockTmp = join(home, `.skills.lock.${process.pid}.tmp`);

  test("a corrupt skills.lock stops the install before the old version is touched", async () => {
    await installSkill(source("clock", "1.0.0"), p);
    const good = readFileSync(p.lockFile, "utf8");
    writeFileSync(p.lockFile, "{bad\n");
    const e = await errorOf(installSkill(source("clock", "2.0.0"), p));
    expect(e.message).toContain("is not valid JSON");
    expect(readFileSync(join(p.skillsDir, "clock", "lib", "x.js"), "utf8")).toContain("1.0.0");
    expect((await errorOf(installSkill(source("other"), p))).code).toBe("invalid_config");
    expect(existsSync(join(p.skillsDir, "other"))).toBe(false);
    expect(readdirSync(p.skillsDir)).toEqual(["clock"]);
    writeFileSync(p.lockFile, good);
  });

  test("when skills.lock cannot be written, the move is rolled back", async () => {
    mkdirSync(lockTmp); // the lock's temp file cannot be created
    try {
      await expect(installSkill(source("clock", "3.0.0"), p, { force: true })).rejects.toThrow();
      expect(readFileSync(join(p.skillsDir, "clock", "lib", "x.js"), "utf8")).toContain("1.0.0");
      await expect(installSkill(source("fresh"), p)).rejects.toThrow();
      expect(readdirSync(p.skillsDir)).toEqual(["clock"]);
      expect(() => removeSkill("clock", p)).toThrow();
      expect(readdirSync(p.skillsDir)).toEqual(["clock"]);
      expect(verifySkills(p)).toEqual([expect.objectContaining({ name: "clock", state: "ok" })]);
    } finally {
      rmSync(lockTmp, { recursive: true });
    }
  });

  test("remove with a corrupt skills.lock deletes nothing", () => {
    const good = readFileSync(p.lockFile, "utf8");
    writeFileSync(p.lockFile, "{bad\n");
    expect(() => removeSkill("clock", p)).toThrow("is not valid JSON");
    expect(existsSync(join(p.skillsDir, "clock", "skill.json"))).toBe(true);
    writeFileSync(p.lockFile, good);
    removeSkill("clock", p);
    expect(readdirSync(p.skillsDir)).toEqual([]);
    expect(readLock(p.lockFile).skills).toEqual({});
  });
});

describe("replacing an installed skill", () => {
  const home = join(root, "replace");
  const p = { skillsDir: join(home, "skills"), lockFile: join(home, "skills.lock") };
  const lockOf = () => readLock(p.lockFile).skills.radio;

  test("another source is refused, naming both, and nothing changes", async () => {
    const mine = source("radio", "1.0.0", {}, "mine/radio");
    await installSkill(mine, p);
    const before = readFileSync(p.lockFile, "utf8");
    const e = await errorOf(installSkill(source("radio", "2.0.0", {}, "theirs/radio"), p));
    expect(e.code).toBe("invalid_input");
    expect(e.message).toBe(`radio 1.0.0 is installed from ${mine}; not replacing it with 2.0.0 from a different source, ${join(root, "src", "theirs/radio")}`);
    expect(e.hint).toContain("--force");
    expect(readFileSync(p.lockFile, "utf8")).toBe(before);
    expect(readFileSync(join(p.skillsDir, "radio", "lib", "x.js"), "utf8")).toContain("1.0.0");
  });

  test("an older version from the same source is refused; the same or a newer one is an update", async () => {
    const e = await errorOf(installSkill(source("radio", "0.9.0", {}, "mine/radio"), p));
    expect(e).toMatchObject({ code: "invalid_input", message: expect.stringContaining("not replacing it with 0.9.0, an older version") });
    expect(lockOf()?.version).toBe("1.0.0");
    expect((await installSkill(source("radio", "1.0.0", {}, "mine/radio"), p)).replaced).toBe(true);
    const r = await installSkill(source("radio", "1.10.0", {}, "mine/radio"), p);
    expect(r).toMatchObject({ replaced: true, previous: { version: "1.0.0" } });
    expect(r.forced).toBeUndefined();
    expect(lockOf()?.version).toBe("1.10.0");
  });

  test("--force replaces it anyway and says what it overrode", async () => {
    const theirs = source("radio", "0.1.0", {}, "theirs/radio");
    const r = await installSkill(theirs, p, { force: true });
    expect(r.forced).toContain("from a different source");
    expect(lockOf()).toMatchObject({ version: "0.1.0", source: theirs });
  });

  test("a folder in skills/ that skills.lock does not know is not overwritten without --force", async () => {
    mkdirSync(join(p.skillsDir, "tv"));
    writeFileSync(join(p.skillsDir, "tv", "keep"), "x");
    const e = await errorOf(installSkill(source("tv"), p));
    expect(e.message).toContain("tv is already in the skills folder but not in skills.lock");
    expect(existsSync(join(p.skillsDir, "tv", "keep"))).toBe(true);
  });

  test("a skill whose code imports a package or node: module is not installed", async () => {
    const e = await errorOf(installSkill(source("pkg", "1.0.0", { "main.js": `import _ from "lodash";\nexport default async () => _;` }), p));
    expect(e).toMatchObject({ code: "invalid_manifest", message: 'main.js:1: imports "lodash", a package the sandbox cannot load' });
    expect(existsSync(join(p.skillsDir, "pkg"))).toBe(false);
  });
});
