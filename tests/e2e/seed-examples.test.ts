// The seed's examples through the whole product: the real `moltbot gateway` process with the
// shipped default policy, built-in skills in the sandbox, and a model server speaking Ollama's
// wire protocol that emits the tool calls a model would. A WebSocket client plays the user.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { converse as talk, type GatewayEvent } from "../helpers/converse.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";
import { Sandbox, type RunningCli } from "../helpers/cli.ts";

const sb = new Sandbox();
let model: FakeModelServer;
let gw: RunningCli;
let url: string;
const app = join(sb.userHome, "code", "app");

beforeAll(async () => {
  model = await startFakeOllama();
  mkdirSync(app, { recursive: true });
  for (const args of [["init", "-q"], ["config", "user.email", "t@example.com"], ["config", "user.name", "T"]]) {
    expect(Bun.spawnSync(["git", ...args], { cwd: app }).exitCode).toBe(0);
  }
  await Bun.write(join(app, "README.md"), "hello\n");
  sb.config({ ollama: { model: "llama3.2", base_url: model.url }, retries: 0, camera: { device: "lavfi:testsrc=size=640x360:rate=1" } });
  gw = await sb.gateway();
  url = gw.url;
});

afterAll(async () => {
  await gw?.stop();
  await model?.stop();
  sb.cleanup();
});

type Ev = GatewayEvent;
const converse = (text: string, approve = true) => talk(url, text, { approve });

const auditLines = () => readFileSync(join(sb.home, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));

describe("the seed's examples", () => {
  test("run git status in ~/code/app: confirmation asked, then the answer; audited with user_approved true", async () => {
    model.script([{ toolCalls: [{ name: "shell_execute", params: { command: "git", args: ["status"], cwd: "~/code/app" } }] }, { text: "Your repo has one untracked file: README.md." }]);
    const events = await converse("run git status in ~/code/app");
    const approval = events.find((e) => e.event === "approval.request");
    expect(approval?.data).toMatchObject({ tool: "shell_execute", params: { command: "git", args: ["status"], cwd: "~/code/app" } });
    expect(approval?.data.reason).toContain("shell_execute");
    expect(events.at(-1)).toMatchObject({ event: "chat.final", data: { text: "Your repo has one untracked file: README.md." } });
    // The model saw git's real output as the tool result.
    expect(JSON.stringify(model.requests.at(-1)?.body)).toContain("README.md");
    expect(auditLines().at(-1)).toMatchObject({ tool: "shell_execute", result: "success", user_approved: true, decision: "confirm" });
  });

  test("a denied confirmation runs nothing and is audited as rejected", async () => {
    model.script([{ toolCalls: [{ name: "shell_execute", params: { command: "git", args: ["log"], cwd: "~/code/app" } }] }, { text: "OK, I did not run it." }]);
    const events = await converse("show me the git log", false);
    expect(events.at(-1)).toMatchObject({ event: "chat.final", data: { text: "OK, I did not run it." } });
    expect(auditLines().at(-1)).toMatchObject({ tool: "shell_execute", result: "rejected", user_approved: false });
  });

  test("take a photo with the webcam and send it to me: a JPEG comes back as an attachment", async () => {
    model.script([{ toolCalls: [{ name: "camera_access", params: { format: "jpeg", width: 320 } }] }, { text: "Here is your photo." }]);
    const events = await converse("take a photo with the webcam and send it to me");
    const result = events.find((e) => e.event === "tool.result" && e.data.tool === "camera_access");
    expect(result?.data.ok).toBe(true);
    const [photo] = result?.data.attachments ?? [];
    expect(photo).toMatchObject({ kind: "image", mime: "image/jpeg" });
    const bytes = Buffer.from(photo.base64, "base64");
    expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(events.at(-1)).toMatchObject({ event: "chat.final", data: { text: "Here is your photo." } });
    expect(auditLines().at(-1)).toMatchObject({ tool: "camera_access", result: "success", user_approved: true });
  });
});
