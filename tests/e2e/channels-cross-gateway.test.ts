// `moltbot gateway` with a channel configured, as a user runs it: runtime/main.ts loads
// channels/matrix, the router admits and pairs senders (approved with the real
// `moltbot pairing approve` command from another process), answers come from the real agent
// via the fake Ollama, and /health reports the channel.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox, type RunningCli } from "../helpers/cli.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";
import type { FakeHomeserver } from "../fakes/matrix/fake-homeserver.ts";
import { ANN, BOB, BOT, homeserverWithBot } from "../fakes/matrix/test-bot.ts";

const sb = new Sandbox();
let model: FakeModelServer;
let hs: FakeHomeserver;
let gw: RunningCli | undefined;
let url = "";

beforeAll(async () => {
  model = await startFakeOllama();
  const mx = await homeserverWithBot();
  hs = mx.hs;
  mkdirSync(sb.home, { recursive: true, mode: 0o700 });
  writeFileSync(join(sb.home, "config.yaml"), [
    `ollama: { model: llama3.2, base_url: "${model.url}" }`,
    "gateway: { host: 127.0.0.1, port: 0 }",
    "channels:",
    `  matrix: { homeserver: "${hs.url}", user_id: "${BOT}", access_token: "${mx.token}", dm: pairing, allow: ["${ANN}"] }`,
  ].join("\n"));
  gw = await sb.gateway([]);
  url = gw.url;
});

afterAll(async () => {
  gw?.proc.kill("SIGKILL");
  await model?.stop();
  await hs?.stop();
  sb.cleanup();
});

const bodyOf = (e: { content: Record<string, unknown> }) => String(e.content.body ?? "");

describe("moltbot gateway with channels", () => {
  test("an allowed Matrix user is answered by the agent; /health shows the channel connected", async () => {
    model.script([{ text: "Hello **Ann**" }]);
    const dm = hs.createRoom([ANN, BOT]);
    hs.sendText(dm, ANN, "hi there");
    const answer = await hs.waitSent((e) => e.roomId === dm && e.type === "m.room.message");
    expect(bodyOf(answer)).toContain("Hello");
    expect(String(answer.content.formatted_body)).toContain("<strong>Ann</strong>");
    const health = (await (await fetch(`${url}/health`)).json()) as { channels: Record<string, { state: string }> };
    expect(health.channels.matrix?.state).toBe("connected");
  });

  test("an unknown sender gets a pairing code; after `moltbot pairing approve` their next message is answered", async () => {
    const dm = hs.createRoom([BOB, BOT]);
    const before = model.requests.length;
    hs.sendText(dm, BOB, "who are you?");
    const codeMsg = await hs.waitSent((e) => e.roomId === dm && /pairing code/.test(bodyOf(e)));
    const code = /pairing code is ([A-Z0-9]{8})/.exec(bodyOf(codeMsg))?.[1] ?? "";
    expect(bodyOf(codeMsg)).toContain(`moltbot pairing approve matrix ${code}`);
    expect(model.requests.length).toBe(before);

    const listed = await sb.run(["pairing", "list"]);
    expect(listed.stdout).toContain(code);
    const approved = await sb.run(["pairing", "approve", "matrix", code]);
    expect(approved.code).toBe(0);

    model.script([{ text: "Now I know you, Bob." }]);
    hs.sendText(dm, BOB, "hello again");
    const answer = await hs.waitSent((e) => e.roomId === dm && bodyOf(e).includes("Now I know you"));
    expect(bodyOf(answer)).toBe("Now I know you, Bob.");
    expect(JSON.stringify(model.requests.at(-1)?.body)).not.toContain("who are you?");
  });
});
