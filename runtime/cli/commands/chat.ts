// `moltbot chat`: the terminal as a gateway client. It connects to the running gateway (config's
// gateway.host/port, or --url) over the WS protocol rather than starting its own, so chats,
// approvals and sessions are the same ones WebChat and the channels see. Replies stream as they
// come; an approval is a y/N question on the same terminal, withdrawn when it stops mattering.
import { EXIT, fail, MoltFailure } from "../../contracts/errors.ts";
import { GatewayClient } from "../../gateway/client.ts";
import { parse } from "../args.ts";
import { askApproval, RESOLVED, type ApprovalRequest, type Question } from "../chat-approval.ts";
import { checkMessage, checkName, messageProblem } from "../chat-input.ts";
import { ChatLines } from "../chat-lines.ts";
import { chatTarget, TOKEN_WAYS } from "../chat-target.ts";
import { startTurn, type RunningTurn } from "../chat-turn.ts";
import { writeErr, writeOut } from "../output.ts";

const HELP = `Usage: moltbot chat [--url URL] [--name NAME] [-m TEXT]

Talks to the assistant through the running gateway (start it with 'moltbot gateway').
  --url URL       the gateway (default: gateway.host/port from config.yaml, 127.0.0.1:18789)
  --name NAME     who you are to the gateway: your session is webchat:NAME (default: $USER);
                  1-64 letters, digits, '_', '.' or '-'
  -m, --message   send one message, print the answer, exit (approvals still ask)
  --token TOKEN   the gateway's token; other users can see it in 'ps', so prefer MOLTBOT_TOKEN
  -h, --help      this help

chat is interactive, so it has no --json; programs can use the gateway's WebSocket API.

In the chat: /stop (or Ctrl-C) cancels the running answer or approval question, /quit (or
Ctrl-D) leaves.
The token comes from --token, else MOLTBOT_TOKEN, else gateway.token in config.yaml — the last
only for the gateway that config describes (the default, or a --url with its host and port).
Exit codes: 0 left normally (with -m: answered), 1 the turn failed or the gateway went away,
2 invalid input, 3 the gateway refused the token.
`;

export async function chatCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    url: { type: "string" }, name: { type: "string" }, message: { type: "string", short: "m" }, token: { type: "string" },
    json: { type: "boolean" }, help: { type: "boolean", short: "h" },
  }, "chat");
  if (values.help) return (await writeOut(HELP), EXIT.ok);
  if (values.json) fail("invalid_input", "chat is interactive; --json is not available", "programs can talk to the gateway's WebSocket API (ws://127.0.0.1:18789/ws)");
  if (values.message !== undefined) checkMessage(values.message);
  const name = values.name !== undefined ? checkName(values.name) : (process.env.USER ?? "").replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 64) || "terminal";
  if (values.token === "") fail("invalid_input", "chat: --token is empty", TOKEN_WAYS);
  const target = await chatTarget(values.url, values.token);
  let running: RunningTurn | null = null;
  let lines: ChatLines | undefined;
  // Approvals of this user's other turns (another window, an earlier chat) still waiting: the
  // gateway sends them on connect and as they come; they are asked between messages.
  const waiting = new Map<string, ApprovalRequest>();
  let foreign: Question | null = null;
  /** Waiting at "you>" with nothing typed yet: a new question may take the line. */
  let idle = false;
  let woken = false;
  const onEvent = ({ event, data }: { event: string; data: any }) => {
    if (event === "approval.request" && !running?.owns(data.turn)) {
      waiting.set(data.id, data);
      if (idle && lines?.rl.line === "") {
        woken = true;
        lines.withdraw();
      }
    } else if (event === "approval.resolved") {
      waiting.delete(data.id);
      const q = foreign as Question | null;
      if (q && q.id === data.id) q.withdraw(RESOLVED[data.state] ?? q.settledWhy());
    }
  };
  const client = await GatewayClient.connect(target.url, { name, onEvent, ...(target.token ? { token: target.token } : {}) }).catch((e) => {
    if (e instanceof MoltFailure && e.error.code === "unauthorized") fail("unauthorized", `${e.error.message} (${target.tokenNote})`, TOKEN_WAYS);
    throw e;
  });

  lines = new ChatLines();
  let leaving = false;
  let lost: number | null = null;
  // Ctrl-C or /stop at another turn's question leaves it for others to answer.
  const skipForeign = () => (foreign as Question | null)?.withdraw("not answered here; it still waits");
  lines.rl.on("SIGINT", () => (running ? running.interrupt() : foreign ? skipForeign() : lines.close()));
  lines.intercept = (line) => {
    if (!/^\/stop\s*$/.test(line)) return false;
    if (running) running.interrupt();
    else if (foreign) skipForeign();
    else return false;
    return true;
  };
  void client.closed.then(({ code }) => !leaving && ((lost = code), lines.close()));
  const stillConnected = () => {
    if (lost !== null) fail("channel_error", `the gateway closed the connection (${lost})`, "is the gateway still running? start it with 'moltbot gateway'");
  };
  const askWaiting = async () => {
    for (const [id, req] of waiting) {
      waiting.delete(id);
      if (Date.parse(req.expiresAt) <= Date.now()) continue;
      const q = askApproval(client, lines, (text, toStderr) => (toStderr ? writeErr(text) : writeOut(text)), req, "\nAnother window or an earlier chat is waiting for this:", () => lost !== null);
      foreign = q;
      await q.settled;
      foreign = null;
      stillConnected();
    }
  };
  const turn = async (text: string) => {
    running = startTurn(client, text, lines);
    const code = await running.done;
    running = null;
    stillConnected();
    return code;
  };
  try {
    if (values.message !== undefined) return await turn(values.message);
    await writeOut(`connected to ${target.url} as ${client.hello.user}; /quit to leave\n`);
    for (;;) {
      await askWaiting();
      idle = true;
      const line = await lines.read("you> ");
      idle = false;
      if (line === null && woken) {
        woken = false;
        await writeOut("\n");
        continue;
      }
      stillConnected();
      if (line === null || /^\/(quit|exit)\s*$/.test(line)) return EXIT.ok;
      if (line.trim() === "" || /^\/stop\s*$/.test(line)) continue; // nothing runs while we wait for input
      const problem = messageProblem(line);
      if (problem) await writeErr(`error: ${problem}\n`);
      else await turn(line); // a failed turn was reported; the chat goes on
    }
  } finally {
    leaving = true;
    lines.close();
    client.close();
  }
}
