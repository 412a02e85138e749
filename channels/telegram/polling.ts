// Long polling: getUpdates from the persisted offset, hand each update on, persist its id,
// repeat. Network errors reconnect with backoff; a 401 (revoked token) stops with "failed".
// The in-flight long poll is aborted on stop, so disconnect does not wait out the timeout.
import { GrammyError, type Api } from "grammy";
import { Backoff, gsig, sleep } from "./retry.ts";

export interface PollDeps {
  api: Api;
  /** Seconds Telegram holds a getUpdates open when there is nothing new. */
  timeoutSeconds: number;
  backoff: Backoff;
  lastUpdateId(): number;
  /** Handles one raw update and persists its id; never throws. */
  process(update: unknown): Promise<void>;
  setState(state: "connected" | "connecting" | "failed", detail?: string): void;
  warn(err: unknown, what: string): void;
}

export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

export async function pollLoop(deps: PollDeps, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    let updates: unknown[];
    try {
      updates = await deps.api.getUpdates({ offset: deps.lastUpdateId() + 1, timeout: deps.timeoutSeconds, allowed_updates: [...ALLOWED_UPDATES] }, gsig(signal));
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof GrammyError && err.error_code === 401) {
        deps.setState("failed", "Telegram rejected the bot token (401)");
        deps.warn(err, "polling stopped");
        return;
      }
      const delay = deps.backoff.next();
      deps.setState("connecting", `reconnecting in ${delay} ms`);
      deps.warn(err, `getUpdates failed; retrying in ${delay} ms`);
      await sleep(delay, signal);
      continue;
    }
    deps.backoff.reset();
    deps.setState("connected");
    // A non-array result is a malformed response: treat it like an empty one.
    for (const u of Array.isArray(updates) ? updates : []) {
      if (signal.aborted) return;
      await deps.process(u);
    }
  }
}
