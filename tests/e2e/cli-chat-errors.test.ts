// `moltbot chat` when things go wrong, against the real `moltbot gateway` (fake Ollama model,
// a token in config.yaml, a 2 s confirmation timeout) and on a real pseudo-terminal: approval
// questions that expire, are answered elsewhere or are interrupted; the configured token with
// --url; exit codes when the gateway goes away and after failed turns; input checked up front.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_POLICY_YAML } from "../../policy/index.ts";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { startGateway } from "../../runtime/gateway/server.ts";
import { CLI, Sandbox, type RunningCli } from "../helpers/cli.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";
import { EchoAgent } from "./gateway-helpers.ts";

const TOKEN = "chat-errors-token-0123456789";
const sb = new Sandbox();
let fake: FakeModelServer;
let gw: RunningCli;
let port = 0;

beforeAll(async () => {
  fake = await startFakeOllama();
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  port = probe.port;
  probe.stop(true);
  mkdirSync(sb.home, { recursive: true, mode: 0o700 });
  writeFileSync(join(sb.home, "policy.yaml"), DEFAULT_POLICY_YAML.replace(/confirmation: \{ timeout: \w+/, "confirmation: { timeout: 2s"));
  writeFileSync(join(sb.home, "config.yaml"), `ollama: { model: llama3.2, base_url: "${fake.url}" }\ngateway: { host: 127.0.0.1, port: ${port}, token: "${TOKEN}" }\n`);
  chmodSync(join(sb.home, "config.yaml"), 0o600);
  gw = await sb.gateway([]);
});
afterAll(async () => {
  await gw.stop();
  await fake.stop();
  sb.cleanup();
});

/** The chat command on a pty; `until` waits (at most 8 s) for output, `type` sends a line. */
function pty(args: string[], env: Record<string, string> = {}) {
  const cmd = ["bun", CLI, "chat", ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const proc = Bun.spawn(["script", "-qfec", cmd, "/dev/null"], { env: sb.env(env), stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  let out = "";
  const waiters: (() => void)[] = [];
  void (async () => {
    for await (const chunk of proc.stdout) {
      out += new TextDecoder().decode(chunk);
      for (const w of waiters.splice(0)) w();
    }
  })();
  const until = async (text: string | RegExp, ms = 8_000) => {
    const has = () => (typeof text === "string" ? out.includes(text) : text.test(out));
    const deadline = Date.now() + ms;
    while (!has()) {
      if (Date.now() > deadline) throw new Error(`waited for ${text}; the screen:\n${out}`);
      await Promise.race([new Promise<void>((r) => waiters.push(r)), Bun.sleep(100)]);
    }
    return out;
  };
  const type = (line: string) => {
    proc.stdin.write(`${line}\r`);
    proc.stdin.flush();
  };
  const key = (bytes: string) => {
    proc.stdin.write(bytes);
    proc.stdin.flush();
  };
  return { proc, until, type, key, output: () => out };
}

const askShell = (command: string, then: string) =>
  fake.script([{ toolCalls: [{ name: "shell_execute", params: { command } }] }, { text: then }]);

describe("approval questions that stop mattering", () => {
  test("an expired approval is withdrawn: the answer shows, and the next line is a chat message", async () => {
    askShell("git status", "The command was not run.");
    const t = pty(["--name", "expiry"]);
    await t.until("you> ");
    t.type("please run git status");
    await t.until("approve? [y/N/always] ");
    // Half an answer, never sent: after 2 s the gateway expires the approval and the turn goes on
    // without a keypress; what was typed at the question is dropped with it.
    t.key("ye");
    await t.until("approval expired");
    await t.until(/The command was not run\.[\s\S]*you> /);
    t.type("hello after");
    await t.until("moltbot> hello after");
    t.type("/quit");
    expect(await t.proc.exited).toBe(0);
    expect(t.output()).not.toContain("already expired");
    expect(JSON.stringify(fake.requests.at(-1)!.body)).toContain("hello after");
  }, 20_000);

  test("an approval answered elsewhere (WebChat, another terminal) is withdrawn too", async () => {
    askShell("git log", "Done elsewhere.");
    const other = await GatewayClient.connect(gw.url, { name: "twice", token: TOKEN });
    const request = new Promise<any>((r) => other.on("approval.request", r));
    const t = pty(["--name", "twice"]);
    await t.until("you> ");
    t.type("run git log");
    await t.until("approve? [y/N/always] ");
    await other.request("approval.resolve", { id: (await request).id, approve: false });
    await t.until("approval answered elsewhere");
    await t.until(/Done elsewhere\.[\s\S]*you> /);
    t.type("/quit");
    expect(await t.proc.exited).toBe(0);
    other.close();
  }, 20_000);

  test("an approval another window is waiting on is asked in a chat opened later, and the answer counts", async () => {
    askShell("echo joined", "Ran it for the other window.");
    const other = await GatewayClient.connect(gw.url, { name: "joiner", token: TOKEN });
    const request = new Promise<any>((r) => other.on("approval.request", r));
    const final = new Promise<any>((r) => other.on("chat.final", r));
    await other.request("chat.send", { text: "run echo joined" });
    await request;
    const t = pty(["--name", "joiner"]);
    await t.until("Another window or an earlier chat is waiting for this:");
    await t.until("approve? [y/N/always] ");
    t.type("y");
    expect((await final).text).toBe("Ran it for the other window.");
    await t.until("you> ");
    t.type("/quit");
    expect(await t.proc.exited).toBe(0);
    expect(t.output()).toContain("Approval needed: shell_execute");
    other.close();
  }, 20_000);

  test("Ctrl-C at another window's question leaves it waiting; the chat goes on", async () => {
    askShell("echo later", "Ran later.");
    const other = await GatewayClient.connect(gw.url, { name: "skipper", token: TOKEN });
    const request = new Promise<any>((r) => other.on("approval.request", r));
    await other.request("chat.send", { text: "run echo later" });
    const { id } = await request;
    const t = pty(["--name", "skipper"]);
    await t.until("approve? [y/N/always] ");
    t.key("\x03");
    await t.until(/not answered here; it still waits[\s\S]*you> /);
    // Still open: the other window answers it.
    const final = new Promise<any>((r) => other.on("chat.final", r));
    await other.request("approval.resolve", { id, approve: true });
    expect((await final).text).toBe("Ran later.");
    t.type("/quit");
    expect(await t.proc.exited).toBe(0);
    other.close();
  }, 20_000);

  test("'always' under the shipped policy (remember: none) says it approves this once only", async () => {
    askShell("git log -1", "Ran once.");
    const t = pty(["--name", "always-once"]);
    await t.until("you> ");
    t.type("run git log");
    await t.until("approve? [y/N/always] ");
    t.type("always");
    await t.until("approved this once: the policy remembers no answers (confirmation.remember: none)");
    await t.until(/Ran once\.[\s\S]*you> /);
    t.type("/quit");
    expect(await t.proc.exited).toBe(0);
  }, 20_000);

  test("Ctrl-C at the question cancels the turn and the question; the next line is sent", async () => {
    fake.script([{ toolCalls: [{ name: "shell_execute", params: { command: "git diff" } }] }]);
    const t = pty(["--name", "interrupt"]);
    await t.until("you> ");
    t.type("run git diff");
    await t.until("approve? [y/N/always] ");
    t.key("\x03");
    await t.until("cancelled");
    await t.until(/cancelled[\s\S]*you> /);
    t.type("hello after");
    await t.until("moltbot> hello after");
    t.type("/quit");
    expect(await t.proc.exited).toBe(0);
    expect(t.output()).toContain("the turn was cancelled");
  }, 20_000);

  test("/stop typed at the question does the same, and is not taken as the answer", async () => {
    fake.script([{ toolCalls: [{ name: "shell_execute", params: { command: "git branch" } }] }]);
    const t = pty(["--name", "stopper"]);
    await t.until("you> ");
    t.type("run git branch");
    await t.until("approve? [y/N/always] ");
    t.type("/stop");
    await t.until(/cancelled[\s\S]*you> /);
    t.type("/quit");
    expect(await t.proc.exited).toBe(0);
    expect(t.output()).not.toContain("moltbot> ");
  }, 20_000);
});

describe("the token for --url", () => {
  test("--url naming this config's gateway uses gateway.token from config.yaml", async () => {
    for (const url of [`http://127.0.0.1:${port}`, `ws://localhost:${port}/ws`]) {
      const r = await sb.run(["chat", "--url", url, "-m", "ping"]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("moltbot> ping");
      expect(r.code).toBe(0);
    }
  });

  test("--token is used; a wrong one says every way to give it, exit 3", async () => {
    const ok = await sb.run(["chat", "--url", gw.url, "--token", TOKEN, "-m", "with flag"]);
    expect(ok.stdout).toContain("moltbot> with flag");
    expect(ok.code).toBe(0);
    const bad = await sb.run(["chat", "--token", "wrong-token", "-m", "hi"]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain("wrong or missing token (the token given with --token was used)");
    expect(bad.stderr).toContain("MOLTBOT_TOKEN (preferred)");
    expect(bad.stderr).toContain("--token");
  });
});

describe("exit codes", () => {
  test("the gateway going away mid-chat is exit 1 with a hint", async () => {
    const echo = startGateway({ host: "127.0.0.1", port: 0, version: "test", agent: new EchoAgent() });
    const t = pty(["--url", echo.url, "--name", "dropped"]);
    await t.until("you> ");
    await echo.stop();
    expect(await t.proc.exited).toBe(1);
    expect(t.output()).toContain("the gateway closed the connection (1001)");
    expect(t.output()).toContain("is the gateway still running? start it with 'moltbot gateway'");
  }, 20_000);

  test("/quit after a failed turn is exit 0; -m keeps the failed turn's exit 1", async () => {
    const t = pty(["--name", "failing"]);
    await t.until("you> ");
    fake.failNext(400);
    t.type("this one fails");
    await t.until(/error: [\s\S]*you> /);
    t.type("/quit");
    expect(await t.proc.exited).toBe(0);
    fake.failNext(400);
    const r = await sb.run(["chat", "-m", "fails too"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: ");
  }, 20_000);
});

describe("input checked before connecting (exit 2)", () => {
  const cases: [string, string[], string][] = [
    ["an empty message", ["-m", ""], "chat: the message is empty"],
    ["a blank message", ["-m", "   \n "], "chat: the message is empty"],
    ["a message over the limit", ["-m", "x".repeat(100_001)], "at most 100000"],
    ["a name the gateway refuses", ["--name", "bad name!", "-m", "hi"], "chat: --name must be 1-64 letters, digits, '_', '.' or '-'"],
    ["a --url without a scheme", ["--url", "localhost:19200", "-m", "hi"], "did you mean ws://localhost:19200?\nhint: e.g. --url ws://127.0.0.1:18789"],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const before = fake.requests.length;
      const r = await sb.run(["chat", ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain("\nhint: e.g. ");
      expect(r.stderr.split("\n")[0]!.length).toBeLessThan(300);
      expect(fake.requests.length).toBe(before);
    });
  }
});
