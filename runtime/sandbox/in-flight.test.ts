// A skill may start many host calls at once (Promise.all over a hundred URLs); each running one
// can hold host memory (a fetch body up to 10 MiB), so at most MAX_IN_FLIGHT run at a time and
// the rest wait their turn. All of them still finish; only an absurd number fails at once.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_IN_FLIGHT, MAX_WAITING } from "./bridge.ts";
import { SandboxPool } from "./index.ts";
import { jobOf } from "./skill-fixture.ts";

let now = 0;
let most = 0;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: async (req) => {
    most = Math.max(most, ++now);
    await Bun.sleep(new URL(req.url).pathname === "/slow" ? 2000 : 20);
    now--;
    return new Response(new URL(req.url).searchParams.get("i") ?? "");
  },
});
const pool = new SandboxPool({ maxWorkers: 1 });
afterAll(async () => {
  await pool.close();
  server.stop(true);
});
const host = `127.0.0.1:${server.port}`;
const net = { permissions: { net: [host] }, policyYaml: `version: 1\nskills:\n  test_skill: { allow: { net: ["${host}"] } }\n`, limits: { timeoutMs: 10_000 } };

describe("host calls in flight", () => {
  test(`a hundred fetches at once all answer, at most ${MAX_IN_FLIGHT} running at a time`, async () => {
    most = 0;
    const o = await pool.run(jobOf(`export default async () => {
      const got = await Promise.all(Array.from({ length: 100 }, (_, i) => fetch("http://${host}/?i=" + i).then((r) => r.text())));
      return got.join(",");
    }`, net));
    expect(o.result).toEqual({ ok: true, output: Array.from({ length: 100 }, (_, i) => i).join(",") });
    // Never more than the cap, and still several at once (not one after another).
    expect(most).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(most).toBeGreaterThan(MAX_IN_FLIGHT / 2);
  });

  test("file calls never wait behind slow fetches: allowed, they finish at once", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "moltbot-inflight-")));
    writeFileSync(join(dir, "a.txt"), "local");
    const o = await pool.run(jobOf(`export default async () => {
      const slow = [];
      for (let i = 0; i < ${MAX_IN_FLIGHT}; i++) slow.push(fetch("http://${host}/slow"));
      const t = Date.now();
      const text = await fs.readTextFile(${JSON.stringify(join(dir, "a.txt"))});
      return { text, fast: Date.now() - t < 1000 };
    }`, { ...net, permissions: { net: [host], read: [dir] }, policyYaml: `version: 1\nskills:\n  test_skill: { allow: { net: ["${host}"], read: ["${dir}"] } }\n` }));
    expect(o.result).toEqual({ ok: true, output: { text: "local", fast: true } });
  });

  test("beyond the calls that may wait, a call fails at once with a clear message, and the next call is fine", async () => {
    const n = MAX_IN_FLIGHT + MAX_WAITING + 1;
    const o = await pool.run(jobOf(`export default async () => {
      const calls = [];
      for (let i = 0; i < ${n}; i++) calls.push(fetch("http://${host}/slow").then(() => "answered", (e) => e.message));
      return await calls[${n - 1}];
    }`, net));
    expect(o.result).toEqual({ ok: true, output: `net.fetch: more than ${MAX_IN_FLIGHT + MAX_WAITING} host calls at once; await some before starting more` });
    const next = await pool.run(jobOf(`export default async () => (await fetch("http://${host}/?i=ok")).text()`, net));
    expect(next.result).toEqual({ ok: true, output: "ok" });
  });

  // A denial can come after the skill returned: the name is granted, the address it resolves to
  // is then refused. The call waits for the host calls it started, so the denial is in its
  // outcome (and so in its audit line) all the same.
  test("a host call the skill did not await is still judged and its denial recorded", async () => {
    const o = await pool.run(jobOf(`export default () => { fetch("http://localhost:${server.port}/").catch(() => {}); return "returned early"; }`, {
      permissions: { net: ["localhost"] },
      policyYaml: `version: 1\nprompt: false\ndeny:\n  net: ["127.0.0.1", "::1"]\nskills:\n  test_skill: { allow: { net: ["localhost:${server.port}"] } }\n`,
    }));
    expect(o.result).toEqual({ ok: true, output: "returned early" });
    expect(o.denials).toEqual([expect.objectContaining({ kind: "net", value: `localhost:${server.port}`, caught: true })]);
  });

  // The bridge lets only awaited calls wait (it tells them apart by name); a call the prelude
  // made synchronously would get a promise instead of its value.
  test("the prelude awaits every host call except core.* and env.get, which it calls synchronously", () => {
    const prelude = readFileSync(join(import.meta.dir, "prelude.ts"), "utf8");
    const calls = [...prelude.matchAll(/\b(a?sync)\("([\w.]+)"\)/g)].map((m) => ({ name: m[2]!, wrapper: m[1]! }));
    expect(calls.length).toBeGreaterThan(25);
    for (const c of calls) expect(c).toEqual({ name: c.name, wrapper: c.name.startsWith("core.") || c.name === "env.get" ? "sync" : "async" });
  });
});
