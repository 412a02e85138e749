// Sessions kept per conversation: the pool's calls with the same `session` share one page in
// the main process's BrowserService, although each call runs in a fresh sandbox context.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { SandboxPool } from "../../runtime/sandbox/index.ts";
import { jobFor } from "../../runtime/sandbox/skill-fixture.ts";
import type { SandboxOutcome } from "../../runtime/contracts/sandbox.ts";
import { ROOT } from "../helpers/cli.ts";
import { FORM_PAGE, PNG_MAGIC, startSite, type Site } from "./builtin-browser-fixture.ts";

const SKILL = join(ROOT, "skills/builtin/browser_control");
let site: Site;
let pool: SandboxPool;

beforeAll(() => {
  site = startSite({ "/form": FORM_PAGE });
  pool = new SandboxPool({ maxWorkers: 1 });
});
afterAll(async () => {
  await pool.close();
  site.stop();
});

const call = (params: Record<string, unknown>, session?: string) => {
  const job = jobFor(SKILL, {
    name: "browser_control",
    params,
    permissions: { browser: true, net: "all" },
    policyYaml: `version: 1\nprompt: false\nskills:\n  browser_control: { allow: { browser: true, net: ["127.0.0.1:${site.port}"] } }\n`,
    limits: { timeoutMs: 20_000 },
  });
  return pool.run(session === undefined ? job : { ...job, session });
};
const output = (o: SandboxOutcome) => {
  if (!o.result.ok) throw new Error(`${o.result.error.code}: ${o.result.error.message}`);
  return o.result.output as Record<string, any>;
};
const errorOf = (o: SandboxOutcome) => (o.result.ok ? "ok" : o.result.error.message);

describe("browser sessions", () => {
  test("a page opened in one call is still there in the next call of the same conversation", async () => {
    expect(output(await call({ action: "open", url: `${site.url}/form` }, "conv-1")).title).toBe("Form");
    output(await call({ action: "fill", selector: "#name", value: "Grace" }, "conv-1"));
    expect(output(await call({ action: "click", selector: "#go" }, "conv-1")).summary).toContain("Clicked #go");
    expect(output(await call({ action: "text", selector: "#out" }, "conv-1")).text).toBe("Hi Grace");
    const shot = output(await call({ action: "screenshot" }, "conv-1"));
    expect(shot.attachments).toHaveLength(1);
    expect(shot.attachments[0]).toMatchObject({ kind: "image", mime: "image/png" });
    expect([...Buffer.from(shot.attachments[0].base64, "base64").subarray(0, 8)]).toEqual(PNG_MAGIC);
    expect(shot.summary).toContain("Screenshot of \"Form\"");
  });

  test("another conversation does not see that page", async () => {
    expect(errorOf(await call({ action: "text" }, "conv-2"))).toContain("call browser.open(url) first");
  });

  test("close ends the conversation's page", async () => {
    expect(output(await call({ action: "open", url: `${site.url}/form` }, "conv-3")).title).toBe("Form");
    expect(output(await call({ action: "close" }, "conv-3"))).toMatchObject({ closed: true });
    expect(errorOf(await call({ action: "text" }, "conv-3"))).toContain("call browser.open(url) first");
  });

  test("a call without a conversation keeps its page only for itself", async () => {
    expect(output(await call({ action: "open", url: `${site.url}/form` })).title).toBe("Form");
    expect(errorOf(await call({ action: "text" }))).toContain("call browser.open(url) first");
  });

  test("a skill without the browser grant is denied before anything starts", async () => {
    const job = jobFor(SKILL, { name: "browser_control", params: { action: "open", url: `${site.url}/form` }, permissions: { browser: true, net: "all" } });
    const o = await pool.run({ ...job, session: "conv-4" });
    expect(o.result.ok).toBe(false);
    if (!o.result.ok) expect(o.result.error).toMatchObject({ code: "permission_denied", message: expect.stringContaining("browser") });
  });
});
