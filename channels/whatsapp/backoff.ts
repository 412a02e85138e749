// Reconnect delays: exponential with jitter, capped, so a flapping network is not hammered
// and many gateways restarting together do not reconnect in lock-step.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 60_000 };

/** Delay before reconnect attempt `attempt` (1-based): initial·2^(attempt-1), ±20 %, capped. */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt - 1));
  const jittered = base * (0.8 + 0.4 * random());
  return Math.round(Math.min(opts.maxMs, jittered));
}
