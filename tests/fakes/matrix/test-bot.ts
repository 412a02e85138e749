// Test glue: a fake homeserver with a bot account, and a MatrixChannel connected to it whose
// inbound messages, actions and log lines are collected for assertions.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MatrixChannel } from "../../../channels/matrix/index.ts";
import type { InboundAction, InboundMessage } from "../../../runtime/contracts/channel.ts";
import { type FakeHomeserver, startFakeHomeserver } from "./fake-homeserver.ts";

export const BOT = "@molt:fake.local";
export const ANN = "@ann:fake.local";
export const BOB = "@bob:fake.local";

export interface BotUnderTest {
  channel: MatrixChannel;
  inbox: InboundMessage[];
  actions: InboundAction[];
  logs: string[];
  stateDir: string;
  /** Waits until `n` messages arrived. */
  messages(n: number): Promise<InboundMessage[]>;
  actionsN(n: number): Promise<InboundAction[]>;
}

export async function until<T>(what: string, get: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

export async function connectBot(hs: FakeHomeserver, config: Record<string, unknown>, stateDir = mkdtempSync(join(tmpdir(), "molt-mx-"))): Promise<BotUnderTest> {
  const channel = new MatrixChannel();
  const inbox: InboundMessage[] = [];
  const actions: InboundAction[] = [];
  const logs: string[] = [];
  channel.onMessage((m) => void inbox.push(m));
  channel.onAction((a) => void actions.push(a));
  await channel.connect({ homeserver: hs.url, user_id: BOT, ...config }, { stateDir, log: (level, message) => void logs.push(`${level} ${message}`) });
  return {
    channel, inbox, actions, logs, stateDir,
    messages: (n) => until(`${n} inbound messages (have ${inbox.length})`, () => inbox.length >= n && inbox),
    actionsN: (n) => until(`${n} actions (have ${actions.length})`, () => actions.length >= n && actions),
  };
}

export async function homeserverWithBot(opts: { password?: string } = {}): Promise<{ hs: FakeHomeserver; token: string }> {
  const hs = await startFakeHomeserver();
  const token = hs.addUser(BOT, { displayname: "Molt", ...(opts.password ? { password: opts.password } : {}) });
  hs.addUser(ANN, { displayname: "Ann" });
  hs.addUser(BOB, { displayname: "Bob" });
  return { hs, token };
}
