// browser_control through the real `moltbot skill run`: real headless Chromium against local
// pages, with the policy judging the navigation and every request the page makes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, Sandbox } from "../helpers/cli.ts";
import { closedPort, FORM_PAGE, PNG_MAGIC, startSite, type Site } from "./builtin-browser-fixture.ts";

const SKILL = join(ROOT, "skills/builtin/browser_control");
const sb = new Sandbox();
let granted: Site;
let other: Site;
let policy: string;
let audit: string;
let deadPort: number;

beforeAll(() => {
  other = startSite({ "/secret.png": "x", "/": "<title>Other</title>other" });
  deadPort = closedPort();
  granted = startSite({
    "/": `<title>Home</title><h1>Granted page</h1><img src="${other.url}/secret.png"><img src="/local.png">`,
    "/local.png": () => new Response(new Uint8Array(PNG_MAGIC), { headers: { "content-type": "image/png" } }),
    "/form": FORM_PAGE,
    "/redirect": () => new Response(null, { status: 302, headers: { location: `http://127.0.0.1:${deadPort}/` } }),
  });
  audit = join(sb.dir, "audit.jsonl");
  policy = sb.file("policy.yaml", `version: 1
prompt: false
trust: { default: allow }
skills:
  browser_control: { allow: { browser: true, net: ["127.0.0.1:${granted.port}"] }, limits: { timeout: 20s } }
  form_steps: { allow: { browser: true, net: ["127.0.0.1:${granted.port}"] }, limits: { timeout: 20s } }
`);
});
afterAll(() => {
  granted.stop();
  other.stop();
  sb.cleanup();
});

const run = (dir: string, params: unknown) =>
  sb.run(["skill", "run", dir, "--params", JSON.stringify(params), "--policy", policy, "--audit", audit, "--json"]);
const lastAudit = () => JSON.parse(readFileSync(audit, "utf8").trim().split("\n").at(-1)!);

describe("browser_control (CLI)", () => {
  test("open loads the granted page; an <img> on a host not granted never reaches that host", async () => {
    const r = await run(SKILL, { action: "open", url: `${granted.url}/` });
    expect(r.code).toBe(0);
    const { output } = JSON.parse(r.stdout);
    expect(output).toMatchObject({ url: `${granted.url}/`, title: "Home", status: 200, blocked: [`${other.url}/secret.png`] });
    expect(output.summary).toContain("1 request was blocked");
    expect(granted.hits).toContain("/local.png");
    expect(other.hits).toEqual([]);
    expect(lastAudit().denials).toEqual([{ kind: "net", value: `127.0.0.1:${other.port}`, rule: expect.any(String) }]);
  });

  test("navigating to a URL that is not granted is PermissionDenied (exit 3) and sends nothing", async () => {
    const r = await run(SKILL, { action: "open", url: `${other.url}/` });
    expect(r.code).toBe(3);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe("permission_denied");
    expect(error.message).toContain(`127.0.0.1:${other.port}`);
    expect(other.hits).toEqual([]);
    expect(lastAudit()).toMatchObject({ result: "denied", tool: "browser_control" });
  });

  test("a redirect from the granted page to 127.0.0.1 on another port is denied", async () => {
    const r = await run(SKILL, { action: "goto", url: `${granted.url}/redirect` });
    expect(r.code).toBe(3);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe("permission_denied");
    expect(error.message).toContain(`127.0.0.1:${deadPort}`);
  });

  test("fill, click, text and screenshot act on one page within a call", async () => {
    const dir = sb.skill("form_steps", { permissions: { browser: true, net: [`127.0.0.1:${granted.port}`] }, parameters: { url: { type: "string", required: true } } }, {
      "main.js": `export default async ({ url }) => {
        await browser.open(url);
        const heading = (await browser.text("#greeting")).text;
        await browser.fill("#name", "Ada");
        await browser.click("#go");
        const after = (await browser.text("#out")).text;
        const shot = await browser.screenshot();
        return { heading, after, mime: shot.mime, head: shot.base64.slice(0, 12), bytes: shot.bytes };
      };`,
    });
    const r = await run(dir, { url: `${granted.url}/form` });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const { output } = JSON.parse(r.stdout);
    expect(output).toMatchObject({ heading: "Hello browser", after: "Hi Ada", mime: "image/png" });
    expect([...Buffer.from(output.head, "base64").subarray(0, 8)]).toEqual(PNG_MAGIC);
    expect(output.bytes).toBeGreaterThan(1000);
  });

  test("text before any open in a new conversation says to open a page first", async () => {
    const r = await run(SKILL, { action: "text" });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.message).toContain("call browser.open(url) first");
  });
});
