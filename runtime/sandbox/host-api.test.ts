// The capabilities through the real host API and policy engine: env, fs, fetch, shell,
// denials (caught and uncaught) and permission prompts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PermissionRequest } from "../contracts/permissions.ts";
import type { SandboxOutcome } from "../contracts/sandbox.ts";
import { SandboxPool } from "./index.ts";
import { jobOf } from "./skill-fixture.ts";

process.env.MOLT_SANDBOX_TEST_VAR = "hello from env";
const pool = new SandboxPool({ maxWorkers: 2 });
const data = realpathSync(mkdtempSync(join(tmpdir(), "moltbot-data-")));
writeFileSync(join(data, "note.txt"), "a note");
let server: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1", port: 0,
    fetch: async (req) => Response.json(
      { path: new URL(req.url).pathname, method: req.method, got: req.headers.get("x-test"), type: req.headers.get("content-type"), sent: await req.text() },
      { headers: { "x-reply": "yes" } },
    ),
  });
});
afterAll(async () => {
  server.stop(true);
  await pool.close();
});

const grant = (allow: string) => `version: 1\nprompt: true\nskills:\n  test_skill:\n    allow: ${allow}\n`;
const codeOf = (o: SandboxOutcome) => (o.result.ok ? "ok" : o.result.error.code);

describe("env", () => {
  test("a granted variable is read; an ungranted one raises PermissionDenied the skill can catch", async () => {
    const o = await pool.run(jobOf(`export default () => {
      let denied; try { env.get("PATH") } catch (e) { denied = [e.name, e instanceof PermissionDenied, e.message.includes("PATH")] }
      return { v: env.get("MOLT_SANDBOX_TEST_VAR"), denied };
    }`, { permissions: { env: ["MOLT_SANDBOX_TEST_VAR"] }, policyYaml: grant(`{ env: ["MOLT_SANDBOX_TEST_VAR"] }`) }));
    expect(o.result).toEqual({ ok: true, output: { v: "hello from env", denied: ["PermissionDenied", true, true] } });
    expect(o.denials).toEqual([expect.objectContaining({ kind: "env", value: "PATH", caught: true })]);
  });

  test("an uncaught denial ends the call as permission_denied with the Deno-style reason", async () => {
    const o = await pool.run(jobOf(`export default () => env.get("PATH")`));
    expect(codeOf(o)).toBe("permission_denied");
    if (!o.result.ok) expect(o.result.error.message).toContain('Requires env access to "PATH"');
    expect(o.denials).toEqual([expect.objectContaining({ kind: "env", value: "PATH", caught: false })]);
  });

  test("a declared but ungranted variable is asked for synchronously, once per call", async () => {
    const asked: PermissionRequest[] = [];
    const job = jobOf(`export default () => [env.get("MOLT_SANDBOX_TEST_VAR"), env.get("MOLT_SANDBOX_TEST_VAR")]`, { permissions: { env: ["MOLT_SANDBOX_TEST_VAR"] } });
    const yes = await pool.run(job, { onPrompt: async (req) => (asked.push(req), true) });
    expect(yes.result).toEqual({ ok: true, output: ["hello from env", "hello from env"] });
    expect(asked).toEqual([{ kind: "env", value: "MOLT_SANDBOX_TEST_VAR" }]);
    const no = await pool.run(job, { onPrompt: async () => false });
    expect(codeOf(no)).toBe("permission_denied");
    const nobody = await pool.run(job);
    expect(codeOf(nobody)).toBe("permission_denied");
  });

  test("a host error that escapes keeps its code; a code the skill sets itself does not count", async () => {
    const fsJob = (code: string) => jobOf(code, { permissions: { read: [data] }, policyYaml: grant(`{ read: ["${data}"] }`) });
    const missing = await pool.run(fsJob(`export default (p) => fs.readTextFile("${data}/no-such-file.txt")`));
    expect(codeOf(missing)).toBe("not_found");
    const caught = await pool.run(fsJob(`export default async () => { try { await fs.readTextFile("${data}/nope") } catch (e) { return e.code } }`));
    expect(caught.result).toEqual({ ok: true, output: "not_found" });
    const forged = await pool.run(jobOf(`export default () => { const e = new Error("fake"); e.code = "not_found"; throw e }`));
    expect(codeOf(forged)).toBe("skill_error");
  });

  test("a PermissionDenied the skill constructs itself is an ordinary skill_error", async () => {
    const o = await pool.run(jobOf(`export default () => { throw new PermissionDenied("fake") }`));
    expect(codeOf(o)).toBe("skill_error");
    expect(o.denials).toEqual([]);
  });
});

describe("fs", () => {
  const fsGrant = { permissions: { read: [data], write: [data] }, policyYaml: grant(`{ read: ["${data}"], write: ["${data}"] }`) };

  test("text and bytes round-trip through the host as strings and Uint8Arrays", async () => {
    const o = await pool.run(jobOf(`export default async (p) => {
      await fs.writeFile(p.dir + "/bytes.bin", new Uint8Array([0, 1, 2, 255]));
      const bytes = await fs.readFile(p.dir + "/bytes.bin");
      const names = (await fs.readDir(p.dir)).map((e) => e.name).sort();
      const st = await fs.stat(p.dir + "/note.txt");
      return { text: await fs.readTextFile(p.dir + "/note.txt"), isU8: bytes instanceof Uint8Array, bytes: [...bytes], names, size: st.size, isFile: st.isFile };
    }`, { ...fsGrant, params: { dir: data } }));
    expect(o.result).toEqual({ ok: true, output: { text: "a note", isU8: true, bytes: [0, 1, 2, 255], names: ["bytes.bin", "note.txt"], size: 6, isFile: true } });
  });

  test("a host failure (missing file) is an Error in the skill, not a denial", async () => {
    const o = await pool.run(jobOf(`export default async (p) => { try { await fs.readTextFile(p.dir + "/missing.txt") } catch (e) { return [e.name, e instanceof PermissionDenied] } }`, { ...fsGrant, params: { dir: data } }));
    expect(o.result).toEqual({ ok: true, output: ["Error", false] });
  });
});

describe("prompts", () => {
  // The skill declares read access the policy does not grant, so the default policy prompts.
  const source = `export default async (p) => fs.readTextFile(p.dir + "/note.txt")`;
  const opts = { permissions: { read: [data] }, params: { dir: data } };

  test("onPrompt returning true allows the request, and sees what is asked", async () => {
    const asked: PermissionRequest[] = [];
    const o = await pool.run(jobOf(source, opts), { onPrompt: async (req) => (asked.push(req), true) });
    expect(o.result).toEqual({ ok: true, output: "a note" });
    expect(asked).toEqual([{ kind: "read", value: join(data, "note.txt") }]);
  });

  test("onPrompt returning false denies", async () => {
    const o = await pool.run(jobOf(source, opts), { onPrompt: async () => false });
    expect(codeOf(o)).toBe("permission_denied");
    expect(o.denials).toEqual([expect.objectContaining({ kind: "read", caught: false })]);
  });

  test("no onPrompt denies (fail closed), and so does a handler that throws", async () => {
    expect(codeOf(await pool.run(jobOf(source, opts)))).toBe("permission_denied");
    const o = await pool.run(jobOf(source, opts), { onPrompt: async () => { throw new Error("ui crashed") } });
    expect(codeOf(o)).toBe("permission_denied");
  });
});

describe("fetch and shell", () => {
  test("fetch reaches a granted local server and returns a Response-like object", async () => {
    const hostPort = `127.0.0.1:${server.port}`;
    const o = await pool.run(jobOf(`export default async (p) => {
      const r = await fetch("http://" + p.hp + "/hello", { method: "POST", headers: { "x-test": "t1" }, body: "payload" });
      return { ok: r.ok, status: r.status, reply: r.headers.get("X-Reply"), body: await r.json() };
    }`, { params: { hp: hostPort }, permissions: { net: [hostPort] }, policyYaml: grant(`{ net: ["${hostPort}"] }`) }));
    expect(o.result).toMatchObject({ ok: true, output: { ok: true, status: 200, reply: "yes", body: { path: "/hello", method: "POST", got: "t1", sent: "payload" } } });
  });

  test("an object body is sent as JSON, marked application/json unless the skill set a type", async () => {
    const hostPort = `127.0.0.1:${server.port}`;
    const o = await pool.run(jobOf(`export default async (p) => {
      const post = async (init) => (await fetch("http://" + p.hp + "/json", { method: "POST", ...init })).json();
      return [await post({ body: { at: new Date(0), n: 1 } }), await post({ body: { n: 2 }, headers: { "Content-Type": "application/vnd.x+json" } })];
    }`, { params: { hp: hostPort }, permissions: { net: [hostPort] }, policyYaml: grant(`{ net: ["${hostPort}"] }`) }));
    expect(o.result).toMatchObject({ ok: true, output: [
      { type: "application/json", sent: '{"at":"1970-01-01T00:00:00.000Z","n":1}' },
      { type: "application/vnd.x+json", sent: '{"n":2}' },
    ] });
  });

  test("fetch to an ungranted host is denied", async () => {
    const o = await pool.run(jobOf(`export default () => fetch("http://127.0.0.1:${server.port}/")`));
    expect(codeOf(o)).toBe("permission_denied");
  });

  test("shell.run runs a granted command with an argv array", async () => {
    const o = await pool.run(jobOf(`export default async () => shell.run("echo", ["hi", "there"])`, { permissions: { run: ["echo"] }, policyYaml: grant(`{ run: ["echo"] }`) }));
    expect(o.result).toMatchObject({ ok: true, output: { code: 0, stdout: "hi there\n" } });
  });

  test("an argument with toJSON crosses as JSON writes it (a Date as its ISO string)", async () => {
    const o = await pool.run(jobOf(`export default async () => shell.run("echo", [new Date(0), { toJSON: () => "custom" }])`, { permissions: { run: ["echo"] }, policyYaml: grant(`{ run: ["echo"] }`) }));
    expect(o.result).toMatchObject({ ok: true, output: { code: 0, stdout: "1970-01-01T00:00:00.000Z custom\n" } });
  });
});
