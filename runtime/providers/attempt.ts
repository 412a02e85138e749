// One HTTP attempt, seen from below the SDK: the fetch we hand to each SDK records the status,
// headers and (for errors) body of the response, whether the connection failed, and keeps an
// idle timer that every received chunk re-arms. Classifying failures from this record, not from
// each SDK's error classes, gives the three providers one retry and error policy.

export interface RecordedResponse {
  status: number;
  headers: Headers;
  /** The error body, read from a clone so the SDK still gets the original. */
  errorBody?: Promise<string>;
}

export class Attempt {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly signal: AbortSignal;
  timedOut = false;
  response: RecordedResponse | undefined;
  connectError: unknown;

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
      this.response.errorBody = res.clone().text().catch(() => "");
      return res;
    }
    if (!res.body) return res;
    const rearm = new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => { this.arm(); controller.enqueue(chunk); },
    });
    return new Response(res.body.pipeThrough(rearm), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
