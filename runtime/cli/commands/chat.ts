// `moltbot chat`: the terminal as a gateway client. It connects to the running gateway (config's
// gateway.host/port, or --url) over the WS protocol rather than starting its own, so chats,
// approvals and sessions are the same ones WebChat and the channels see. Replies stream as they
// come; an approval is a y/N question on the same terminal.
import { createInterface } from "node:readline";
import { EXIT, fail } from "../../contracts/errors.ts";
import { GatewayClient } from "../../gateway/client.ts";
import { homePaths, moltbotHome } from "../../home.ts";
import { describeParams } from "../ask.ts";
import { parse } from "../args.ts";
import { formatError, writeErr, writeOut } from "../output.ts";

const HELP = `Usage: moltbot chat [--url URL] [--name NAME] [-m TEXT]

Talks to the assistant through the running gateway (start it with 'moltbot gateway').
  --url URL       the gateway (default: gateway.host/port from config.yaml, 127.0.0.1:18789)
  --name NAME     who you are to the gateway: your session is webchat:NAME (default: $USER)
  -m, --message   send one message, print the answer, exit (approvals still ask)
  -h, --help      this help

chat is interactive, so it has no --json; programs can use the gateway's WebSocket API.

In the chat: /stop cancels the running answer, /quit (or Ctrl-D) leaves.
The token comes from MOLTBOT_TOKEN or gateway.token in config.yaml.
`;

async function gatewayAddress(url: string | undefined): Promise<{ url: string; token?: string }> {
  const envToken = process.env.MOLTBOT_TOKEN || undefined;
  if (url) return { url: checkUrl(url), token: envToken };
  const { loadConfig } = await import("../../config/index.ts");
  const gw = loadConfig(homePaths(moltbotHome()).config).gateway;
  const host = gw.host === "0.0.0.0" ? "127.0.0.1" : gw.host === "::" ? "[::1]" : gw.host.includes(":") ? `[${gw.host}]` : gw.host;
  return { url: `http://${host}:${gw.port}`, token: envToken ?? gw.token };
}

function checkUrl(url: string): string {
  let protocol = "";
  try {
    protocol = new URL(url).protocol;
  } catch {
    // not a URL at all: the same message
  }
  if (!/^(wss?|https?):$/.test(protocol)) {
    fail("invalid_input", `chat: --url must be a ws://, wss://, http:// or https:// URL, not '${url.slice(0, 100)}'`, "e.g. --url ws://127.0.0.1:18789");
  }
  return url;
}

export async function chatCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    url: { type: "string" }, name: { type: "string" }, message: { type: "string", short: "m" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
  }, "chat");
  if (values.help) return (await writeOut(HELP), EXIT.ok);
  if (values.json) fail("invalid_input", "chat is interactive; --json is not available", "programs can talk to the gateway's WebSocket API (ws://127.0.0.1:18789/ws)");
  const name = values.name ?? ((process.env.USER ?? "").replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 64) || "terminal");
  const { url, token } = await gatewayAddress(values.url);
  const client = await GatewayClient.connect(url, { name, ...(token ? { token } : {}) });
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: Boolean(process.stdin.isTTY) });
  const lines = rl[Symbol.asyncIterator]();
  const next = async (prompt: string): Promise<string | null> => {
    rl.setPrompt(prompt);
    rl.prompt();
    const r = await lines.next();
    return r.done ? null : r.value;
  };
  let turnRunning = false;
  rl.on("SIGINT", () => (turnRunning ? void client.request("chat.stop", {}).catch(() => {}) : rl.close()));
  void client.closed.then(({ code }) => code !== 1000 && (void writeErr(`\nthe gateway closed the connection (${code})\n`), rl.close()));
  try {
    if (values.message !== undefined) return await turn(client, values.message, next, (r) => (turnRunning = r));
    await writeOut(`connected to ${url} as ${client.hello.user}; /quit to leave\n`);
    let code: number = EXIT.ok;
    for (;;) {
      const line = await next("you> ");
      if (line === null || /^\/(quit|exit)\s*$/.test(line)) break;
      if (line.trim() === "") continue;
      if (/^\/stop\s*$/.test(line)) continue; // nothing running while we wait for input
      code = await turn(client, line, next, (r) => (turnRunning = r));
    }
    return code;
  } finally {
    rl.close();
    client.close();
  }
}

/** One message: streams the answer, asks on approvals; resolves with an exit code. */
async function turn(client: GatewayClient, text: string, next: (prompt: string) => Promise<string | null>, running: (r: boolean) => void): Promise<number> {
  let id = "";
  let streamed = false;
  const early: { event: string; data: any }[] = [];
  return new Promise<number>((resolve) => {
    const finish = (code: number) => (off(), running(false), resolve(code));
    const handle = async ({ event, data }: { event: string; data: any }) => {
      if (data?.turn !== id) return;
      if (event === "chat.delta") {
        if (!streamed) await writeOut("moltbot> ");
        streamed = true;
        await writeOut(data.text);
      } else if (event === "tool.call") {
        await writeOut(`${streamed ? "\n" : ""}[tool ${data.tool}]\n`);
        streamed = false;
      } else if (event === "approval.request") {
        await writeOut(`\nApproval needed: ${data.tool} ${describeParams(data.params)}\n  why: ${data.reason}\n`);
        const answer = (await next("approve? [y/N/always] ")) ?? "n";
        const always = /^a(lways)?$/i.test(answer.trim());
        const approve = always || /^y(es)?$/i.test(answer.trim());
        await client.request("approval.resolve", { id: data.id, approve, always }).catch(async (e) => writeErr(formatError(e.error ?? e)));
      } else if (event === "chat.final") {
        await writeOut(streamed ? "\n" : `moltbot> ${data.text}\n`);
        finish(EXIT.ok);
      } else if (event === "chat.error") {
        await writeErr(`${streamed ? "\n" : ""}${formatError(data.error)}`);
        finish(EXIT.runtime);
      }
    };
    // Events are handled one at a time, in order, even while an approval question waits.
    let chain = Promise.resolve();
    const off = client.on("*", (e) => (id ? (chain = chain.then(() => handle(e))) : early.push(e)));
    running(true);
    client.request("chat.send", { text }).then(
      (r: { turn: string }) => {
        id = r.turn;
        for (const e of early.splice(0)) chain = chain.then(() => handle(e));
      },
      async (e) => (await writeErr(formatError(e.error ?? e)), finish(EXIT.runtime)),
    );
    void client.closed.then(() => finish(EXIT.runtime));
  });
}
