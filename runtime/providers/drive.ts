// The one retry policy every provider goes through. An attempt is retried (with backoff, or as
// long as Retry-After asks) only while nothing has been passed on: once text has streamed, a
// second attempt would repeat it, so a failure after that is reported instead. Whatever happens,
// the caller gets ChatEvents, never a throw.
import type { ChatEvent, ChatRequest } from "../contracts/index.ts";
import { Attempt } from "./attempt.ts";
import type { ProviderName } from "./config.ts";
import { classify, type Endpoint, type Failure } from "./failure.ts";
import { retryDelayMs, sleep } from "./retry-delay.ts";

export interface AttemptIO {
  signal: AbortSignal;
  fetch: Attempt["fetch"];
}

/** One provider's wire protocol: stream one attempt, throw (or end early) when it fails. */
export interface Transport {
  endpoint: Endpoint;
  stream(req: ChatRequest, io: AttemptIO): AsyncIterable<ChatEvent>;
}

export interface DrivePolicy {
  timeoutMs: number;
  retries: number;
  backoffBaseMs: number;
  maxRetryDelayMs: number;
  onRetry?(info: { provider: ProviderName; attempt: number; delayMs: number; reason: string }): void;
}

export async function* drive(t: Transport, req: ChatRequest, signal: AbortSignal, policy: DrivePolicy): AsyncGenerator<ChatEvent> {
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) return;
    const att = new Attempt(signal, policy.timeoutMs);
    let answered = false;
    let failure: Failure;
    try {
      for await (const ev of t.stream(req, { signal: att.signal, fetch: att.fetch })) {
        if (signal.aborted) return;
        answered = true;
        att.pause();
        yield ev;
        if (ev.type === "done" || ev.type === "error") return;
        att.arm();
      }
      if (signal.aborted) return;
      // SDKs end quietly when their request is aborted, which is how our timeout reaches them.
      failure = await classify(t.endpoint, att, new Error("the stream ended before the answer did"), policy.timeoutMs);
    } catch (err) {
      if (signal.aborted) return;
      failure = await classify(t.endpoint, att, err, policy.timeoutMs);
    } finally {
      att.dispose();
    }
    if (failure.retryable && !answered && attempt < Math.min(policy.retries, failure.retryLimit ?? Infinity)) {
      const delayMs = retryDelayMs(attempt, failure.headers, { baseMs: policy.backoffBaseMs, maxMs: policy.maxRetryDelayMs });
      policy.onRetry?.({ provider: t.endpoint.provider, attempt: attempt + 1, delayMs, reason: failure.error.message });
      await sleep(delayMs, signal);
      continue;
    }
    // "after 4 attempts" explains a slow 429/5xx; an unreachable server's line stays as it is.
    const error = attempt === 0 ? failure.error : {
      ...failure.error,
      ...(failure.headers ? { message: `${failure.error.message}, after ${attempt + 1} attempts` } : {}),
      details: { ...failure.error.details, attempts: attempt + 1 },
    };
    yield { type: "error", error };
    return;
  }
}
