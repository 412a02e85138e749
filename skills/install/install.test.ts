import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MoltFailure } from "../../runtime/contracts/errors.ts";
import { installSkill, readLock, removeSkill, verifySkills } from "./index.ts";

const root = mkdtempSync(join(tmpdir(), "moltbot-install-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const paths = { skillsDir: join(root, "home", "skills"), lockFile: join(root, "home", "skills.lock") };

function source(name: string, version = "1.0.0", files: Record<string, string> = {}): string {
  const dir = join(root, "src", `${name}-${version}`);
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

  test("reinstalling replaces the old version whole", async () => {
    const r = await installSkill(source("weather", "2.0.0"), paths);
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
});
