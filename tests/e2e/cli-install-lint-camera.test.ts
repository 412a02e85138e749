// Through the real CLI: skill install refusing to swap a skill for another source or an older
// version, skill lint catching imports the sandbox cannot load, the camera naming where its
// device was set, and doctor looking for ffmpeg where the camera does.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, ROOT, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());
const lock = () => JSON.parse(readFileSync(join(sb.home, "skills.lock"), "utf8")).skills;

/** A skill.json skill at `dir` with the given version and code. */
function skillAt(dir: string, name: string, version: string, main = "export default async () => 1;"): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "skill.json"), JSON.stringify({ name, version, description: "d", implementation: "main.js" }));
  writeFileSync(join(dir, "main.js"), main);
  return dir;
}

describe("skill install: replacing an installed skill", () => {
  const mine = join(sb.dir, "mine", "weather");
  const fixture = "/work/shared/fixtures/skills/weather";

  test("from another source (here also an older version) is refused with exit 2 and changes nothing", async () => {
    skillAt(mine, "weather", "1.0.0");
    expect((await sb.run(["skill", "install", mine])).code).toBe(0);
    const r = await sb.run(["skill", "install", fixture]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`error: weather 1.0.0 is installed from ${mine}; not replacing it with 0.0.0 from a different source, ${fixture}\n`);
    expect(r.stderr).toContain("--force");
    expect(lock().weather).toMatchObject({ version: "1.0.0", source: mine });
  });

  test("an older version from the same source is refused; the same or a newer one is an update", async () => {
    skillAt(mine, "weather", "0.9.0");
    const older = await sb.run(["skill", "install", mine]);
    expect(older.code).toBe(2);
    expect(older.stderr).toContain(`error: weather 1.0.0 is installed from ${mine}; not replacing it with 0.9.0, an older version`);
    skillAt(mine, "weather", "1.0.0");
    expect((await sb.run(["skill", "install", mine])).stdout).toStartWith("updated weather 1.0.0");
    skillAt(mine, "weather", "1.1.0");
    const newer = await sb.run(["skill", "install", mine]);
    expect(newer.code).toBe(0);
    expect(newer.stdout).toStartWith("updated weather 1.1.0");
    expect(newer.stderr).toBe("");
  });

  test("--force replaces it and warns what it overrode", async () => {
    const r = await sb.run(["skill", "install", fixture, "--force", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).output).toMatchObject({ name: "weather", version: "0.0.0", source: fixture, replaced: true, previous: { version: "1.1.0", source: mine } });
    expect(r.stderr).toContain(`warning: --force: weather 1.1.0 was installed from ${mine}; replaced it with 0.0.0 from a different source`);
    expect(lock().weather).toMatchObject({ version: "0.0.0", source: fixture });
  });

  test("the help documents --force", async () => {
    expect((await sb.run(["skill", "install", "--help"])).stdout).toContain("unless --force is given");
  });
});

describe("skill lint: imports the sandbox cannot load", () => {
  test("a bare package and a node: module are errors (exit 2) naming file, line and specifier, with the rule", async () => {
    const dir = skillAt(join(sb.dir, "lint", "bad"), "bad", "1.0.0", [
      `// import x from "not-this-one";`,
      `const s = "import('node:os')";`,
      `import _ from "lodash";`,
      `import { u } from "./lib/u.js";`,
      `export default async () => [_, u, s];`,
    ].join("\n"));
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib", "u.js"), `export const u = 1;\nexport const f = () => import("node:fs");\n`);
    const r = await sb.run(["skill", "lint", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: main.js:3: imports "lodash", a package the sandbox cannot load; lib/u.js:2: imports "node:fs", a Node module the sandbox cannot load\n' +
        "hint: a skill may import only files in its own folder, like ./util.js; there are no packages or node: modules in the sandbox\n",
    );
    const j = await sb.run(["skill", "lint", dir, "--json"]);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).error).toMatchObject({ code: "invalid_manifest", message: expect.stringContaining('main.js:3: imports "lodash"') });
    const i = await sb.run(["skill", "install", dir]);
    expect(i.code).toBe(2);
    expect(i.stderr).toContain('main.js:3: imports "lodash"');
  });

  test("relative imports inside the folder, and import-like strings and comments, pass", async () => {
    const dir = skillAt(join(sb.dir, "lint", "good"), "good", "1.0.0", `// import "lodash"\nimport { u } from "./u.js";\nexport default async () => ["import('node:fs')", u];`);
    writeFileSync(join(dir, "u.js"), "export const u = 1;");
    const r = await sb.run(["skill", "lint", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("good 1.0.0: executable skill, loadable\n");
  });
});

describe("camera: where the device came from", () => {
  const policy = sb.file("camera-policy.yaml", "version: 1\nprompt: false\ntrust: { default: allow }\nskills:\n  camera_access: { allow: { camera: true } }\n");
  const run = (env: Record<string, string>) =>
    sb.run(["skill", "run", join(ROOT, "skills/builtin/camera_access"), "--params", '{"width":64}', "--policy", policy, "--audit", join(sb.dir, "cam.jsonl"), "--json"], env);

  test("config.yaml camera.device wins over MOLTBOT_CAMERA_DEVICE, and the error says so", async () => {
    sb.config({ camera: { device: "/dev/video-moltbot-cfg" } });
    const r = await run({ MOLTBOT_CAMERA_DEVICE: "lavfi:testsrc=size=320x240:rate=1" });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: "not_found",
      message: "camera: no camera at /dev/video-moltbot-cfg, set by camera.device in config.yaml (it takes precedence over MOLTBOT_CAMERA_DEVICE); connect one or change camera.device in config.yaml (e.g. /dev/video1) to the right device",
    });
  });

  test("a working device in config.yaml is used whatever MOLTBOT_CAMERA_DEVICE says", async () => {
    sb.config({ camera: { device: "lavfi:testsrc=size=320x240:rate=1" } });
    const r = await run({ MOLTBOT_CAMERA_DEVICE: "/dev/video-moltbot-missing" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).output).toMatchObject({ width: 64, height: 48, mime: "image/jpeg" });
  });

  test("without config or environment the default device is named as the default", async () => {
    rmSync(join(sb.home, "config.yaml"));
    const r = await run({});
    if (r.code === 0) return; // this machine has a /dev/video0
    expect(JSON.parse(r.stdout).error.message).toStartWith("camera: no camera at /dev/video0, the default device; connect one or set camera.device in config.yaml");
  });
});

describe("doctor: ffmpeg as the camera finds it", () => {
  // `bun` is started by its full path so PATH can leave ffmpeg out.
  const doctor = async (path: string) => {
    const proc = Bun.spawn([process.execPath, CLI, "doctor", "--json"], { env: sb.env({ PATH: path }), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    const [stdout] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    return JSON.parse(stdout).output.find((c: { name: string }) => c.name === "ffmpeg");
  };

  test("ffmpeg not in PATH is reported missing even though /usr/bin/ffmpeg exists", async () => {
    const empty = join(sb.dir, "empty-path");
    mkdirSync(empty);
    expect(await doctor(empty)).toMatchObject({ ok: false, optional: true, detail: "not installed (not in PATH): camera_access will not work" });
  });

  test("ffmpeg in PATH is found", async () => {
    const bin = join(sb.dir, "ffmpeg-path");
    mkdirSync(bin);
    symlinkSync(Bun.which("ffmpeg")!, join(bin, "ffmpeg"));
    expect(await doctor(bin)).toMatchObject({ ok: true, detail: "found (for camera_access)" });
  });
});

describe("docs/skill-api.md quotes the real error messages", () => {
  const doc = readFileSync(join(ROOT, "docs/skill-api.md"), "utf8").replace(/\s+/g, " ");
  const policy = sb.file("notes-policy.yaml", "version: 1\nprompt: false\ntrust: { default: allow }\nskills:\n  notes: { allow: { read: [\"/etc\"] } }\n");
  const runNotes = async (permissions: unknown, main: string) => {
    const dir = sb.skill("notes", { permissions }, { "main.js": main });
    const r = await sb.run(["skill", "run", dir, "--policy", policy, "--audit", join(sb.dir, "notes.jsonl"), "--json"]);
    return JSON.parse(r.stdout);
  };
  const readHostname = `export default async () => { try { return await fs.readTextFile("/etc/hostname"); } catch (e) { return e.message; } }`;

  test("PermissionDenied for a path not in the manifest's read list", async () => {
    const { output } = await runNotes({ read: ["/tmp"] }, readHostname);
    expect(output).toBe(`Requires read access to "/etc/hostname", which is not listed in skill "notes"'s manifest permissions.read`);
    expect(doc).toContain(`\`${output}\``);
  });

  test("a result that is not JSON-serialisable", async () => {
    const { error } = await runNotes([], "export default async () => ({ f: () => 1 })");
    expect(error.message).toBe('TypeError: the result is not JSON-serialisable: property "f" is a function');
    expect(doc).toContain(`\`${error.message}\``);
  });
});
