// One message of `moltbot chat`: streams the answer and asks on approvals. Events are written in
// order as they come and never wait for the person: an approval question runs beside them, and
// is withdrawn when the gateway shows it no longer matters — a later event of the turn (the
// approval expired or was answered elsewhere: `approval.resolved`, or the turn simply went on),
// the turn's end, or Ctrl-C.
import type { GatewayClient } from "../gateway/client.ts";
import { EXIT } from "../contracts/errors.ts";
import { askApproval, RESOLVED, type Question } from "./chat-approval.ts";
import type { ChatLines } from "./chat-lines.ts";
import { formatError, writeErr, writeOut } from "./output.ts";

export interface RunningTurn {
  /** Resolves with the turn's exit code once it ended (or the connection did). */
  done: Promise<number>;
  /** Ctrl-C: cancels the turn on the gateway and withdraws a question on screen. */
  interrupt(): void;
  /** Whether `turn` (an event's turn id) is this one; false until the gateway named it. */
  owns(turn: string): boolean;
}

export function startTurn(client: GatewayClient, text: string, lines: ChatLines): RunningTurn {
  let id = "";
  let streamed = false;
  let ended = false;
  let question: Question | null = null;
  const early: { event: string; data: any }[] = [];
  let out = Promise.resolve();
  const write = (s: string, err = false) => (out = out.then(() => (err ? writeErr(s) : writeOut(s))));

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  const finish = (code: number) => {
    if (ended) return;
    ended = true;
    off();
    void out.then(() => resolveDone(code));
  };

  const withdraw = (why: string | null) => {
    const q = question;
    question = null;
    q?.withdraw(why);
  };
  const ask = (data: any) => {
    const q = askApproval(client, lines, write, data, streamed ? "\n" : "", () => ended);
    question = q;
    streamed = false;
    void q.settled.then(() => question === q && (question = null));
  };

  const handle = ({ event, data }: { event: string; data: any }) => {
    if (ended || data?.turn !== id) return;
    if (event === "approval.resolved") {
      const q = question;
      if (q && q.id === data.id) withdraw(RESOLVED[data.state] ?? q.settledWhy());
      return;
    }
    if (event === "approval.request") {
      if (question) withdraw(question.settledWhy());
      return ask(data);
    }
    if (question) withdraw(event === "chat.error" && data.error?.code === "cancelled" ? "cancelled" : question.settledWhy());
    if (event === "chat.delta") {
      if (!streamed) write("moltbot> ");
      streamed = true;
      write(data.text);
    } else if (event === "tool.call") {
      write(`${streamed ? "\n" : ""}[tool ${data.tool}]\n`);
      streamed = false;
    } else if (event === "chat.final") {
      write(streamed ? "\n" : `moltbot> ${data.text}\n`);
      finish(EXIT.ok);
    } else if (event === "chat.error") {
      write(`${streamed ? "\n" : ""}${formatError(data.error)}`, true);
      finish(EXIT.runtime);
    }
  };

  const off = client.on("*", (e) => (id ? handle(e) : early.push(e)));
  client.request("chat.send", { text }).then(
    (r: { turn: string }) => {
      id = r.turn;
      for (const e of early.splice(0)) handle(e);
    },
    (e) => (write(formatError(e.error ?? e), true), finish(EXIT.runtime)),
  );
  void client.closed.then(() => (withdraw(null), finish(EXIT.runtime)));

  return {
    done,
    owns: (turn) => id !== "" && turn === id,
    interrupt() {
      if (ended) return;
      withdraw("cancelled");
      void client.request("chat.stop", {}).catch(() => {});
    },
  };
}
