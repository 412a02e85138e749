// One person on two platforms: `moltbot gateway` with Telegram (fake Bot API) and Matrix (fake
// homeserver) configured, the two identities linked with `moltbot identity link`, a
// conversation started on Telegram and continued on Matrix — the model sees the earlier context.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, Sandbox } from "../helpers/cli.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";
import type { FakeHomeserver } from "../fakes/matrix/fake-homeserver.ts";
import { ANN, BOT, homeserverWithBot } from "../fakes/matrix/test-bot.ts";
import { startFakeTelegram, textDm, user, type FakeTelegram } from "../fakes/telegram/index.ts";

const sb = new Sandbox();
const TG_ANN = user(4242, "Ann");
let model: FakeModelServer;
let hs: FakeHomeserver;
let tg: FakeTelegram;
let proc: ReturnType<typeof Bun.spawn>;

beforeAll(async () => {
  model = await startFakeOllama();
  tg = await startFakeTelegram();
  const mx = await homeserverWithBot();
  hs = mx.hs;
  mkdirSync(sb.home, { recursive: true, mode: 0o700 });
  writeFileSync(join(sb.home, "config.yaml"), [
    `ollama: { model: llama3.2, base_url: "${model.url}" }`,
    "gateway: { host: 127.0.0.1, port: 0 }",
    "channels:",
    `  telegram: { token: "${tg.token}", api_root: "${tg.url}", dm: allowlist, allow: ["${TG_ANN.id}"] }`,
    `  matrix: { homeserver: "${hs.url}", user_id: "${BOT}", access_token: "${mx.token}", dm: allowlist, allow: ["${ANN}"] }`,
  ].join("\n"));
  const linked = await sb.run(["identity", "link", `telegram:${TG_ANN.id}`, `matrix:${ANN}`]);
  expect(linked.code).toBe(0);
  proc = Bun.spawn(["bun", CLI, "gateway"], { env: sb.env(), stdout: "pipe", stderr: "pipe" });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`moltbot gateway exited: ${await new Response(proc.stderr as ReadableStream).text()}`);
    text += new TextDecoder().decode(value);
  }
});

afterAll(async () => {
  proc?.kill("SIGKILL");
  await model?.stop();
  await tg?.stop();
  await hs?.stop();
  sb.cleanup();
});

test("a conversation started on Telegram continues on Matrix with its context", async () => {
  model.script([{ text: "Noted: your favourite colour is teal." }, { text: "It is teal." }]);
  tg.inject(textDm(TG_ANN, "Remember: my favourite colour is teal."));
  const first = await tg.waitSent((m) => m.chat.id === TG_ANN.id && (m.text ?? "").includes("Noted"));
  expect(first.text).toBe("Noted: your favourite colour is teal.");

  const dm = hs.createRoom([ANN, BOT]);
  hs.sendText(dm, ANN, "What is my favourite colour?");
  const answer = await hs.waitSent((e) => e.roomId === dm && String(e.content.body ?? "").includes("teal"));
  expect(answer.content.body).toBe("It is teal.");

  const chats = model.requests.filter((r) => r.path === "/api/chat");
  expect(chats).toHaveLength(2);
  const second = JSON.stringify(chats[1]?.body);
  expect(second).toContain("Remember: my favourite colour is teal.");
  expect(second).toContain("Noted: your favourite colour is teal.");
  expect(second).toContain("What is my favourite colour?");
});
