// The command line's edges: installs that fail change nothing, a first-run audit verify, path
// mistakes named by their option, the --json envelope on failures, and private SQLite files.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "../helpers/cli.ts";

const boxes: Sandbox[] = [];
const sandbox = () => {
  const sb = new Sandbox();
  boxes.push(sb);
  return sb;
};
afterAll(() => {
  for (const sb of boxes) sb.cleanup();
});

const json = (stdout: string) => JSON.parse(stdout) as { ok: boolean; output?: unknown; error?: { code: string; message: string; hint?: string } };
const oneLine = (stderr: string) => stderr.split("\n").filter((l) => l && !l.startsWith("hint:"));

describe("skill install", () => {
  test("a built-in skill's name is refused (exit 2) and nothing is copied or recorded", async () => {
    const sb = sandbox();
    const src = sb.skill("file_read", { version: "9.0.0" }, { "main.js": "export default async () => 'fake';" });
    const r = await sb.run(["skill", "install", src]);
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("error: file_read is the name of a built-in skill; rename it\n");
    expect(existsSync(join(sb.home, "skills", "file_read"))).toBe(false);
    expect(existsSync(join(sb.home, "skills.lock"))).toBe(false);
    const info = await sb.run(["skill", "info", "file_read", "--json"]);
    expect(json(info.stdout).output).toMatchObject({ name: "file_read", dir: expect.stringContaining("skills/builtin/file_read") });
  });

  test("a corrupt skills.lock fails the install (exit 2) with the old version still in place", async () => {
    const sb = sandbox();
    const v1 = sb.skill("clock", {}, { "main.js": "export default async () => 'v1';" });
    expect((await sb.run(["skill", "install", v1])).code).toBe(0);
    writeFileSync(join(sb.home, "skills.lock"), "{bad\n");
    const v2 = sb.skill("clock2", { name: "clock", version: "2.0.0" }, { "main.js": "export default async () => 'v2';" });
    const r = await sb.run(["skill", "install", v2]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("skills.lock is not valid JSON");
    expect(readFileSync(join(sb.home, "skills", "clock", "main.js"), "utf8")).toContain("v1");
    const other = await sb.run(["skill", "install", sb.skill("other", {}, { "main.js": "export default async () => 1;" })]);
    expect(other.code).toBe(2);
    expect(readdirSync(join(sb.home, "skills"))).toEqual(["clock"]);
    const rm = await sb.run(["skill", "remove", "clock"]);
    expect(rm.code).toBe(2);
    expect(existsSync(join(sb.home, "skills", "clock", "main.js"))).toBe(true);
  });

  test("remove --json prints the envelope", async () => {
    const sb = sandbox();
    expect((await sb.run(["skill", "install", sb.skill("gone", {}, { "main.js": "export default async () => 1;" })])).code).toBe(0);
    const r = await sb.run(["skill", "remove", "gone", "--json"]);
    expect([r.code, json(r.stdout)]).toEqual([0, { ok: true, output: { name: "gone", removed: true } }]);
    const again = await sb.run(["skill", "remove", "gone", "--json"]);
    expect(again.code).toBe(2);
    expect(json(again.stdout)).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  test("verify --json with a modified skill: ok false with an error, and every state in output", async () => {
    const sb = sandbox();
    expect((await sb.run(["skill", "install", sb.skill("edited", {}, { "main.js": "export default async () => 1;" })])).code).toBe(0);
    writeFileSync(join(sb.home, "skills", "edited", "main.js"), "export default async () => 2;");
    const r = await sb.run(["skill", "verify", "--json"]);
    expect(r.code).toBe(1);
    const out = json(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.error).toEqual({ code: "skill_error", message: expect.stringContaining("edited (modified)"), hint: expect.stringContaining("skill install") });
    expect(out.output).toEqual([expect.objectContaining({ name: "edited", state: "modified" })]);
  });
});

describe("audit", () => {
  test("verify before the first run: no audit log yet, exit 0, and no home is created", async () => {
    const sb = sandbox();
    const r = await sb.run(["audit", "verify"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toStartWith("no audit log yet");
    const j = await sb.run(["audit", "verify", "--json"]);
    expect([j.code, json(j.stdout)]).toEqual([0, { ok: true, output: { ok: true, entries: 0 } }]);
    expect(existsSync(sb.home)).toBe(false);
  });

  test("verify or tail --audit <folder>: exit 2, one line naming --audit", async () => {
    const sb = sandbox();
    for (const sub of ["verify", "tail"]) {
      const r = await sb.run(["audit", sub, "--audit", sb.dir]);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toEqual([`error: --audit ${sb.dir}: is a folder, not a file`]);
      expect(r.stderr).toContain("hint: give the path of an audit log file");
      const j = await sb.run(["audit", sub, "--audit", sb.dir, "--json"]);
      expect(j.code).toBe(2);
      expect(json(j.stdout).error).toMatchObject({ code: "invalid_input", message: `--audit ${sb.dir}: is a folder, not a file` });
    }
  });

  test("skill run --audit that cannot be a log file: exit 2 naming --audit, the skill not run", async () => {
    const sb = sandbox();
    const src = sb.skill("hello", {}, { "main.js": "export default async () => 'hi';" });
    const policy = sb.file("p.yaml", "version: 1\ntrust: { default: allow }\n");
    const folder = await sb.run(["skill", "run", src, "--policy", policy, "--audit", sb.dir, "--json"]);
    expect(folder.code).toBe(2);
    expect(json(folder.stdout).error).toMatchObject({ code: "invalid_input", message: `--audit ${sb.dir}: is a folder, not a file`, hint: expect.stringContaining("--audit") });
    const unmakeable = await sb.run(["skill", "run", src, "--policy", policy, "--audit", "/proc/nope/x.jsonl"]);
    expect(unmakeable.code).toBe(2);
    expect(oneLine(unmakeable.stderr)).toEqual(["error: --audit /proc/nope/x.jsonl: its folder does not exist and cannot be created"]);
    const ok = await sb.run(["skill", "run", src, "--policy", policy, "--audit", join(sb.dir, "new", "a.jsonl")]);
    expect([ok.code, ok.stdout]).toEqual([0, "hi\n"]);
  });
});

describe("--json everywhere", () => {
  test("doctor --json with the model down: ok false, an error object, and the checks", async () => {
    const sb = sandbox();
    sb.config({ ollama: { model: "llama3.2", base_url: "http://127.0.0.1:9" } });
    const r = await sb.run(["doctor", "--json"]);
    expect(r.code).toBe(1);
    const out = json(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.error).toMatchObject({ code: "provider_error", message: expect.stringMatching(/^model: .*cannot reach Ollama at http:\/\/127.0.0.1:9/), hint: expect.any(String) });
    expect(out.output).toContainEqual(expect.objectContaining({ name: "model", ok: false }));
  });

  test("long-running or interactive commands refuse --json with a specific message, exit 2", async () => {
    const sb = sandbox();
    const cases: [string[], string][] = [
      [["chat", "--json"], "chat is interactive; --json is not available"],
      [["gateway", "--json"], "gateway runs until stopped; --json is not available"],
      [["--json"], "gateway runs until stopped; --json is not available"],
      [["node", "--gateway", "ws://127.0.0.1:9", "--json"], "node runs until stopped; --json is not available"],
    ];
    for (const [args, message] of cases) {
      const r = await sb.run(args);
      expect([args, r.code, json(r.stdout).error?.message]).toEqual([args, 2, message]);
    }
    expect(existsSync(sb.home)).toBe(false);
  });

  test("chat --url that is not a URL: exit 2 naming --url with an example", async () => {
    const sb = sandbox();
    const r = await sb.run(["chat", "--url", "notaurl"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual(["error: chat: --url must be a ws://, wss://, http:// or https:// URL, not 'notaurl'"]);
    expect(r.stderr).toContain("hint: e.g. --url ws://127.0.0.1:18789");
  });
});

describe("home files are private", () => {
  test("memory's .index.db and state.db, with their -wal/-shm files, are 0600", async () => {
    const sb = sandbox();
    const src = sb.skill("noop", {}, { "main.js": "export default async () => 'ok';" });
    const policy = sb.file("p.yaml", "version: 1\ntrust: { default: allow }\n");
    expect((await sb.run(["skill", "run", src, "--policy", policy])).code).toBe(0);
    mkdirSync(join(sb.home, "memory"), { recursive: true, mode: 0o700 });
    writeFileSync(join(sb.home, "memory", "note.md"), "# Note\nsecret words\n");
    expect((await sb.run(["memory", "reindex"])).code).toBe(0);
    const files = [join(sb.home, "state.db"), join(sb.home, "memory", ".index.db")];
    for (const f of files) {
      for (const side of [f, `${f}-wal`, `${f}-shm`].filter(existsSync)) {
        expect([side, (statSync(side).mode & 0o777).toString(8)]).toEqual([side, "600"]);
      }
      expect(existsSync(f)).toBe(true);
    }
  });
});
