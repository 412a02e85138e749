// More everyday requests through the real `moltbot gateway` process and the agent loop: reading
// a file, summarising a web page, and a browser screenshot sent back as an image. The policy is
// the shipped one plus literal grants for the local test site (loopback always needs one).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { converse as talk, type GatewayEvent } from "../helpers/converse.ts";
import { DEFAULT_POLICY_YAML } from "../../policy/index.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";
import { Sandbox, type RunningCli } from "../helpers/cli.ts";

const sb = new Sandbox();
let model: FakeModelServer;
let site: ReturnType<typeof Bun.serve>;
let gw: RunningCli;
let url: string;

beforeAll(async () => {
  model = await startFakeOllama();
  site = Bun.serve({
    hostname: "127.0.0.1", port: 0,
    fetch: () => new Response("<html><head><title>Release notes</title></head><body><h1>Version 2</h1><p>Faster <b>startup</b> and a new camera skill.</p></body></html>", { headers: { "content-type": "text/html; charset=utf-8" } }),
  });
  writeFileSync(join(sb.userHome, "notes.txt"), "Buy oat milk.\nCall the dentist on Friday.\n");
  sb.config({ ollama: { model: "llama3.2", base_url: model.url }, retries: 0 });
  mkdirSync(sb.home, { recursive: true, mode: 0o700 });
  const grant = `127.0.0.1:${site.port}`;
  writeFileSync(join(sb.home, "policy.yaml"), DEFAULT_POLICY_YAML.replace(
    "  web_fetch:\n    limits: { timeout: 20s }",
    `  web_fetch:\n    allow: { net: ["${grant}"] }\n    limits: { timeout: 20s }`,
  ).replace("    allow: { browser: true }   # each site", `    allow: { browser: true, net: ["${grant}"] }   # each site`));
  gw = await sb.gateway();
  url = gw.url;
});

afterAll(async () => {
  await gw?.stop();
  site?.stop(true);
  await model?.stop();
  sb.cleanup();
});

type Ev = GatewayEvent;
const converse = (text: string, session: string) => talk(url, text, { session });

const toolText = () => JSON.stringify(model.requests.at(-1)?.body);
const auditLines = () => readFileSync(join(sb.home, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));

describe("everyday requests through the agent loop", () => {
  test("what's in my notes? file_read runs without asking (a reading tool inside the home)", async () => {
    model.script([{ toolCalls: [{ name: "file_read", params: { path: "~/notes.txt" } }] }, { text: "You need oat milk and to call the dentist." }]);
    const events = await converse("what's in my notes?", "notes");
    expect(events.some((e) => e.event === "approval.request")).toBe(false);
    expect(toolText()).toContain("Call the dentist on Friday.");
    expect(auditLines().at(-1)).toMatchObject({ tool: "file_read", result: "success", user_approved: null, decision: "allow" });
  });

  test("summarise this page: web_fetch turns the HTML into Markdown for the model", async () => {
    model.script([{ toolCalls: [{ name: "web_fetch", params: { url: `http://127.0.0.1:${site.port}/notes` } }] }, { text: "Version 2 starts faster." }]);
    const events = await converse("summarise the release notes", "web");
    expect(events.at(-1)).toMatchObject({ event: "chat.final", data: { text: "Version 2 starts faster." } });
    expect(toolText()).toContain("# Version 2");
    expect(toolText()).toContain("**startup**");
    expect(auditLines().at(-1)).toMatchObject({ tool: "web_fetch", result: "success" });
  });

  test("show me the page: the browser opens it (confirmed) and a screenshot comes back as a PNG", async () => {
    model.script([
      { toolCalls: [{ name: "browser_control", params: { action: "open", url: `http://127.0.0.1:${site.port}/` } }] },
      { toolCalls: [{ name: "browser_control", params: { action: "screenshot" } }] },
      { text: "Here is the page." },
    ]);
    const events = await converse("show me the release notes page", "browser");
    expect(events.filter((e) => e.event === "approval.request").map((e) => e.data.tool)).toEqual(["browser_control", "browser_control"]);
    const shot = events.filter((e) => e.event === "tool.result").at(-1)?.data.attachments?.[0];
    expect(shot).toMatchObject({ kind: "image", mime: "image/png" });
    expect([...Buffer.from(shot.base64, "base64").subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(events.at(-1)).toMatchObject({ event: "chat.final", data: { text: "Here is the page." } });
    expect(auditLines().slice(-2)).toMatchObject([{ tool: "browser_control", user_approved: true }, { tool: "browser_control", user_approved: true, result: "success" }]);
  });
});
