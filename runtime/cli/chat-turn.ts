// One message of `moltbot chat`: streams the answer and asks on approvals. Events are written in
// order as they come and never wait for the person: an approval question runs beside them, and
// is withdrawn when the gateway shows it no longer matters — a later event of the turn (the
// approval expired or was answered elsewhere: `approval.resolved`, or the turn simply went on),
// the turn's end, or Ctrl-C.
import type { GatewayClient } from "../gateway/client.ts";
import { EXIT } from "../contracts/errors.ts";
import { describeParams } from "./ask.ts";
import type { ChatLines } from "./chat-lines.ts";
import { formatError, writeErr, writeOut } from "./output.ts";

export interface RunningTurn {
  /** Resolves with the turn's exit code once it ended (or the connection did). */
  done: Promise<number>;
  /** Ctrl-C: cancels the turn on the gateway and withdraws a question on screen. */
  interrupt(): void;
}

interface Question {
  id: string;
  expiresAt: number;
  withdrawn: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/** What the gateway's `approval.resolved` says happened, for a question still on screen. */
const RESOLVED: Record<string, string> = {
  expired: "approval expired",
  cancelled: "cancelled",
  approved: "approval answered elsewhere: approved",
  denied: "approval answered elsewhere: denied",
};

/** A silent gateway still ends the question shortly after its expiry (its clock may differ a little). */
const EXPIRY_GRACE_MS = 1_000;

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
    if (!q) return;
    question = null;
    q.withdrawn = true;
    clearTimeout(q.timer);
    lines.withdraw();
    if (why) write(`\n${why}\n`);
  };
  /** Why a question the turn went past is gone. */
  const settledWhy = (q: Question) => (Date.now() >= q.expiresAt ? "approval expired" : "approval answered elsewhere");

  const ask = (data: any) => {
    const q: Question = { id: data.id, expiresAt: Date.parse(data.expiresAt) || Infinity, withdrawn: false };
    question = q;
    if (Number.isFinite(q.expiresAt)) q.timer = setTimeout(() => question === q && withdraw("approval expired"), Math.max(0, q.expiresAt - Date.now()) + EXPIRY_GRACE_MS);
    write(`${streamed ? "\n" : ""}\nApproval needed: ${data.tool} ${describeParams(data.params)}\n  why: ${data.reason}\n`);
    streamed = false;
    void out.then(async () => {
      if (q.withdrawn) return;
      const answer = await lines.read("approve? [y/N/always] ");
      if (q.withdrawn || ended) return;
      question = null;
      clearTimeout(q.timer);
      const reply = (answer ?? "n").trim();
      const always = /^a(lways)?$/i.test(reply);
      const approve = always || /^y(es)?$/i.test(reply);
      await client.request("approval.resolve", { id: q.id, approve, always }).catch((e) => write(formatError(e.error ?? e), true));
    });
  };

  const handle = ({ event, data }: { event: string; data: any }) => {
    if (ended || data?.turn !== id) return;
    if (event === "approval.resolved") {
      const q = question;
      if (q && q.id === data.id) withdraw(RESOLVED[data.state] ?? settledWhy(q));
      return;
    }
    if (event === "approval.request") {
      if (question) withdraw(settledWhy(question));
      return ask(data);
    }
    if (question) withdraw(event === "chat.error" && data.error?.code === "cancelled" ? "cancelled" : settledWhy(question));
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
    interrupt() {
      if (ended) return;
      withdraw("cancelled");
      void client.request("chat.stop", {}).catch(() => {});
    },
  };
}
