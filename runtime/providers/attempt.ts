// One HTTP attempt, seen from below the SDK: the fetch we hand to each SDK records the status,
// headers and (for errors) body of the response, whether the connection failed, and keeps an
// idle timer that every received chunk re-arms. Classifying failures from this record, not from
// each SDK's error classes, gives the three providers one retry and error policy. What the
// server may make us hold is capped here too (body-limits.ts), below every SDK.
import { MAX_ERROR_BODY_BYTES, MAX_LINE_BYTES, readCapped, wholeLines } from "./body-limits.ts";

export interface RecordedResponse {
  status: number;
  headers: Headers;
  /** The error body's first MAX_ERROR_BODY_BYTES; the SDK gets the same cut copy. */
  errorBody?: string;
}

export class Attempt {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly signal: AbortSignal;
  timedOut = false;
  response: RecordedResponse | undefined;
  connectError: unknown;
  /** Set (and the attempt aborted) when the server sent more than we hold: what it sent. */
  tooLarge: string | undefined;

  constructor(private readonly user: AbortSignal, private readonly timeoutMs: number) {
    this.signal = AbortSignal.any([user, this.controller.signal]);
    this.arm();
  }

  /** (Re)starts the idle timer: called on every chunk and when the consumer asks for more. */
  arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error("timeout"));
    }, this.timeoutMs);
  }

  /** Stops the clock while our consumer, not the server, is the slow one. */
  pause(): void {
    clearTimeout(this.timer);
  }

  /** Ends the attempt, closing any stream still open (e.g. the consumer stopped early). */
  dispose(): void {
    clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(new Error("attempt finished"));
  }

  get userAborted(): boolean {
    return this.user.aborted;
  }

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ? AbortSignal.any([init.signal, this.signal]) : this.signal;
    let res: Response;
    try {
      res = await fetch(input, { ...init, signal });
    } catch (err) {
      if (!this.signal.aborted) this.connectError = err ?? new Error("fetch failed");
      throw err;
    }
    this.arm();
    this.response = { status: res.status, headers: res.headers };
    if (!res.ok) {
      // Not re-armed per chunk: the whole (capped) error body must come within one idle timeout.
      const bytes = res.body ? await readCapped(res.body, MAX_ERROR_BODY_BYTES) : new Uint8Array();
      this.response.errorBody = new TextDecoder().decode(bytes);
      const headers = new Headers(res.headers);
      headers.delete("content-length");
      return new Response(NULL_BODY_STATUSES.has(res.status) ? null : bytes, { status: res.status, statusText: res.statusText, headers });
    }
    if (!res.body) return res;
    const lines = wholeLines(MAX_LINE_BYTES, {
      onChunk: () => this.arm(),
      tooLong: () => this.stop(`a line longer than ${MAX_LINE_BYTES} bytes`),
    });
    return new Response(res.body.pipeThrough(lines), { status: res.status, statusText: res.statusText, headers: res.headers });
  };

  private stop(tooLarge: string): Error {
    this.tooLarge = tooLarge;
    // After the line stream has errored with ours: the SDK then sees this error, not an abort.
    queueMicrotask(() => this.controller.abort(new Error(tooLarge)));
    return new Error(`the server sent ${tooLarge}`);
  }
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
