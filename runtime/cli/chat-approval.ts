// An approval question on the terminal of `moltbot chat`: "approve? [y/N/always]", answered with
// approval.resolve, and withdrawn when it stops mattering (it expired, was answered elsewhere,
// the turn went on or was stopped), so the next line typed is never taken for it.
import type { GatewayClient } from "../gateway/client.ts";
import { describeParams } from "./ask.ts";
import type { ChatLines } from "./chat-lines.ts";
import { formatError } from "./output.ts";

/** An `approval.request` event's data (runtime/gateway/README.md). */
export interface ApprovalRequest {
  id: string;
  turn: string;
  tool: string;
  params: unknown;
  reason: string;
  expiresAt: string;
}

/** Writes after everything written before; resolves once it is out. */
export type Write = (text: string, toStderr?: boolean) => Promise<void>;

export interface Question {
  readonly id: string;
  /** Resolves once answered (and the answer sent) or withdrawn. */
  readonly settled: Promise<void>;
  /** Takes the question off the screen, saying why (null: silently). */
  withdraw(why: string | null): void;
  /** Why a question the turn went past is gone. */
  settledWhy(): string;
}

/** What the gateway's `approval.resolved` says happened, for a question still on screen. */
export const RESOLVED: Record<string, string> = {
  expired: "approval expired",
  cancelled: "cancelled",
  approved: "approval answered elsewhere: approved",
  denied: "approval answered elsewhere: denied",
};

/** A silent gateway still ends the question shortly after its expiry (its clock may differ a little). */
const EXPIRY_GRACE_MS = 1_000;

/** Shows `req` (after `lead`) and asks; `over()` true means the answer no longer counts. */
export function askApproval(client: GatewayClient, lines: ChatLines, write: Write, req: ApprovalRequest, lead: string, over: () => boolean): Question {
  const expiresAt = Date.parse(req.expiresAt) || Infinity;
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle!: () => void;
  const settled = new Promise<void>((r) => (settle = r));
  const end = () => {
    done = true;
    clearTimeout(timer);
    settle();
  };
  const q: Question = {
    id: req.id,
    settled,
    withdraw(why) {
      if (done) return;
      end();
      lines.withdraw();
      if (why) void write(`\n${why}\n`);
    },
    settledWhy: () => (Date.now() >= expiresAt ? "approval expired" : "approval answered elsewhere"),
  };
  if (Number.isFinite(expiresAt)) timer = setTimeout(() => q.withdraw("approval expired"), Math.max(0, expiresAt - Date.now()) + EXPIRY_GRACE_MS);
  void write(`${lead}\nApproval needed: ${req.tool} ${describeParams(req.params)}\n  why: ${req.reason}\n`).then(async () => {
    if (done) return;
    const answer = await lines.read("approve? [y/N/always] ");
    if (done) return;
    if (over()) return end();
    // Answered: what the turn does next no longer withdraws it.
    done = true;
    clearTimeout(timer);
    const reply = (answer ?? "n").trim();
    const always = /^a(lways)?$/i.test(reply);
    const approve = always || /^y(es)?$/i.test(reply);
    await client.request("approval.resolve", { id: req.id, approve, always }).then(
      (r: { kept?: string }) => {
        if (always) return write(r.kept === "always" ? "remembered for next time\n" : r.kept === "session" ? "remembered for this conversation\n" : "approved this once: the policy remembers no answers (confirmation.remember: none)\n");
      },
      (e) => write(formatError(e.error ?? e), true),
    );
    settle();
  });
  return q;
}
