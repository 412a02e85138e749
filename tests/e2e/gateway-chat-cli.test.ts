// `moltbot chat` in a real pseudo-terminal (util-linux `script`) against a real gateway:
// streamed answers, a y/N approval, /quit, and a clear error when no gateway runs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGateway, type RunningGateway } from "../../runtime/gateway/server.ts";
import { CLI, Sandbox } from "../helpers/cli.ts";
import { EchoAgent } from "./gateway-helpers.ts";

let gw: RunningGateway;
const agent = new EchoAgent();
const sb = new Sandbox();

beforeAll(() => {
  gw = startGateway({ host: "127.0.0.1", port: 0, version: "test", agent });
});
afterAll(async () => {
  await gw.stop();
  sb.cleanup();
});

/** The chat command on a pty; `until` waits for output, `type` sends a line. */
function pty(args: string[]) {
  const cmd = ["bun", CLI, "chat", ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const proc = Bun.spawn(["script", "-qfec", cmd, "/dev/null"], { env: sb.env(), stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  let out = "";
  const waiters: (() => void)[] = [];
  void (async () => {
    for await (const chunk of proc.stdout) {
      out += new TextDecoder().decode(chunk);
      for (const w of waiters.splice(0)) w();
    }
  })();
  const until = async (text: string | RegExp) => {
    const has = () => (typeof text === "string" ? out.includes(text) : text.test(out));
    while (!has()) await new Promise<void>((r) => waiters.push(r));
    return out;
  };
  const type = (line: string) => {
    proc.stdin.write(`${line}\r`);
    proc.stdin.flush();
  };
  return { proc, until, type, output: () => out };
}

describe("moltbot chat", () => {
  test("streams an answer, asks y/N for an approval, and leaves on /quit with exit 0", async () => {
    const t = pty(["--url", gw.url, "--name", "tester"]);
    await t.until("you> ");
    expect(t.output()).toContain("as webchat:tester");
    t.type("hello there friend");
    await t.until("moltbot> hello there friend");
    t.type("tool git status");
    await t.until("approve? [y/N");
    expect(t.output()).toContain('Approval needed: shell_execute {"command":"git status"}');
    expect(t.output()).toContain("why: shell_execute requires confirmation");
    t.type("y");
    await t.until("Ran `git status`.");
    t.type("tool rm -rf /");
    await t.until(/approve\? \[y\/N\/always\] [\s\S]*approve\? \[y\/N\/always\] /);
    t.type("n");
    await t.until("you said no");
    t.type("/quit");
    expect(await t.proc.exited).toBe(0);
    expect(agent.inputs.map((i) => i.user)).toEqual(["webchat:tester", "webchat:tester", "webchat:tester"]);
  }, 20_000);

  test("-m sends one message and prints the answer", async () => {
    const t = pty(["--url", gw.url, "-m", "just once"]);
    expect(await t.proc.exited).toBe(0);
    expect(t.output()).toContain("moltbot> just once");
  });

  test("with no gateway running it says how to start one, exit 1", async () => {
    const r = await sb.run(["chat", "--url", "http://127.0.0.1:9", "-m", "hi"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot reach the gateway at http://127.0.0.1:9");
    expect(r.stderr).toContain("moltbot gateway");
  });
});
