// worker.ts end to end: each job's service requests carry its own identity (the worker binds the
// job's caller to the job's context), and a request a finished job left in flight is answered to
// nobody — the next job on the same worker does not see it.
import { describe, expect, test } from "bun:test";
import { SandboxPool } from "./index.ts";
import { jobOf } from "./skill-fixture.ts";
import type { HostServices, ServiceCall } from "./types.ts";

const POLICY = `version: 1\nprompt: false\nskills:\n  test_skill:\n    allow: { camera: true }\n`;

function fakeServices() {
  const calls: { session: string; user?: string; held: (v: unknown) => void }[] = [];
  const services: HostServices = {
    call: (_s, _m, _a, call: ServiceCall) => new Promise((held) => calls.push({ session: call.session, user: call.user, held })),
    release: () => {},
    close: async () => {},
  };
  return { calls, services };
}

describe("service calls from the worker", () => {
  test("each job's requests go out as that job, and a request left in flight by one is never answered into the next", async () => {
    const { calls, services } = fakeServices();
    const pool = new SandboxPool({ maxWorkers: 1, services });
    try {
      // A starts a capture and returns without awaiting it; a call waits for the host calls it
      // started until its deadline (kept short here), then answers and leaves them in flight.
      const a = await pool.run({
        ...jobOf(`export default () => { camera.capture().then(() => {}, () => {}); return "A returned"; }`, { permissions: { camera: true }, policyYaml: POLICY, limits: { timeoutMs: 300 } }),
        session: "session-A", user: "user-A",
      });
      expect(a.result).toEqual({ ok: true, output: "A returned" });
      const b = pool.run({
        ...jobOf(`export default async () => await camera.capture()`, { permissions: { camera: true }, policyYaml: POLICY }),
        session: "session-B", user: "user-B",
      });
      while (calls.length < 2) await Bun.sleep(5);
      expect(calls.map(({ session, user }) => ({ session, user }))).toEqual([
        { session: "session-A", user: "user-A" },
        { session: "session-B", user: "user-B" },
      ]);
      calls[0]!.held("for A"); // A's late answer: dropped, not B's
      await Bun.sleep(20);
      calls[1]!.held("for B");
      expect((await b).result).toEqual({ ok: true, output: "for B" });
    } finally {
      await pool.close();
    }
  });
});
