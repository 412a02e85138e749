// Reconnect delays for a node that lost its gateway: doubling from `initialMs` up to `maxMs`,
// with ±20 % jitter so many nodes do not knock on a restarted gateway in the same instant.
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 10_000 };

/** The delay before reconnect attempt `attempt` (0 = the first after a loss). */
export function backoffDelay(attempt: number, b: Backoff = DEFAULT_BACKOFF, random = Math.random): number {
  const base = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}
