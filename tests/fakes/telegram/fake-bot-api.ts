// A fake Telegram Bot API server on 127.0.0.1:0 speaking the real wire protocol: methods at
// `/bot<token>/<method>` (JSON, form and multipart bodies), long-polled getUpdates with
// offset/timeout semantics (an update stays until a later offset confirms it), webhook delivery
// after setWebhook, file downloads at `/file/bot<token>/<path>`, and 429s, other errors and
// refused connections (pause/resume) on request.
import { callMethod, type ApiError, type BotInfo, type FakeState, type Params, type SentMessage, type Upload } from "./bot-methods.ts";
import type { UpdateBody } from "./updates.ts";

export interface Call { method: string; params: Params; at: number }
export interface FakeTelegram {
  /** For grammy's `client.apiRoot` / config `api_root`. */
  url: string;
  token: string;
  bot: BotInfo;
  calls: Call[];
  state: FakeState;
  /** Queues an update (assigning update_id) or, with a webhook set, POSTs it there. Returns the update_id. */
  inject(update: UpdateBody): number;
  /** The bot's messages (sendMessage/sendPhoto), in order. */
  sent(chatId?: number): SentMessage[];
  /** Resolves with the first call (already made or to come) matching. */
  waitCall(method: string, match?: (c: Call) => boolean): Promise<Call>;
  /** Resolves with the first bot message (already sent or to come) matching. */
  waitSent(match: (m: SentMessage) => boolean): Promise<SentMessage>;
  /** The next `n` calls (of `methods`, default any but getUpdates) answer 429 with `retry_after`. */
  rateLimitNext(n: number, retryAfter: number, methods?: string[]): void;
  /** The next `n` calls of `methods` (default any but getUpdates) fail with this Bot API error (403 bot blocked, 502, …); each is still logged in `calls`. */
  failNext(n: number, errorCode: number, description: string, methods?: string[]): void;
  /** A file the bot can fetch with getFile; returns its file_id. */
  addFile(bytes: Uint8Array, path?: string): string;
  /** As if Telegram lost the confirmations (a bot that crashed before confirming): everything is pending again. */
  forgetConfirmations(): void;
  /** Stops listening (connections refused) until `resume()`, on the same port. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const NUMERIC = new Set(["chat_id", "message_id", "offset", "timeout", "limit", "reply_to_message_id", "max_connections"]);
const JSONISH = new Set(["reply_markup", "reply_parameters", "allowed_updates", "entities", "caption_entities", "link_preview_options"]);

async function readParams(req: Request, url: URL): Promise<{ params: Params; uploads: Upload }> {
  const params: Params = Object.fromEntries(url.searchParams);
  const uploads: Upload = new Map();
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("application/json")) Object.assign(params, await req.json());
  else if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    for (const [k, v] of (await req.formData()).entries()) {
      if (typeof v === "string") params[k] = v;
      else uploads.set(k, new Uint8Array(await v.arrayBuffer()));
    }
  }
  for (const k of Object.keys(params)) {
    const v = params[k];
    if (typeof v === "string" && (NUMERIC.has(k) ? /^-?\d+$/.test(v) : JSONISH.has(k))) params[k] = JSON.parse(v);
  }
  return { params, uploads };
}

export async function startFakeTelegram(opts: { token?: string; bot?: Partial<BotInfo> } = {}): Promise<FakeTelegram> {
  const token = opts.token ?? "123456:TEST-secret-token-AAAAbbbbCCCC";
  const state: FakeState = {
    bot: { id: 777000, username: "molt_test_bot", first_name: "Molt", ...opts.bot },
    sent: [], files: new Map(), answeredCallbacks: [], chatActions: [], webhook: null, messageSeq: 5000,
  };
  const calls: Call[] = [];
  const all: { update_id: number }[] = [];
  let confirmed = 0; // updates with id <= confirmed are gone
  let updateSeq = 100;
  let rateLimit = { n: 0, retryAfter: 1, methods: null as string[] | null };
  let failing = { n: 0, errorCode: 500, description: "", methods: null as string[] | null };
  let pollers: (() => void)[] = [];
  let callWaiters: (() => void)[] = [];
  const notify = () => { for (const f of [...callWaiters]) f(); };
  const wake = () => { const ps = pollers; pollers = []; for (const f of ps) f(); };

  const pending = (offset?: number) => all.filter((u) => u.update_id > confirmed && (offset === undefined || u.update_id >= offset));

  async function getUpdates(p: Params, signal: AbortSignal): Promise<unknown | ApiError> {
    if (state.webhook) return { error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" };
    const offset = typeof p.offset === "number" ? p.offset : undefined;
    if (offset !== undefined && offset > 0) confirmed = Math.max(confirmed, offset - 1);
    const limit = typeof p.limit === "number" ? p.limit : 100;
    const timeout = typeof p.timeout === "number" ? p.timeout : 0;
    if (!pending(offset).length && timeout > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeout * 1000);
        const done = () => { clearTimeout(t); resolve(); };
        pollers.push(done);
        signal.addEventListener("abort", done);
      });
    }
    return pending(offset).slice(0, limit);
  }

  async function deliverWebhook(update: { update_id: number }, attempt = 0): Promise<void> {
    const hook = state.webhook;
    if (!hook) return;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (hook.secret) headers["x-telegram-bot-api-secret-token"] = hook.secret;
    const ok = await fetch(hook.url, { method: "POST", headers, body: JSON.stringify(update) }).then((r) => r.ok, () => false);
    if (ok) confirmed = Math.max(confirmed, update.update_id);
    else if (attempt < 20) setTimeout(() => void deliverWebhook(update, attempt + 1), 50);
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      const f = [...state.files.values()].find((x) => x.path === file[2]);
      return file[1] === token && f ? new Response(f.bytes) : new Response("Not Found", { status: 404 });
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) return Response.json({ ok: false, error_code: 404, description: "Not Found" }, { status: 404 });
    if (m[1] !== token) return Response.json({ ok: false, error_code: 401, description: "Unauthorized" }, { status: 401 });
    const method = m[2] as string;
    const { params, uploads } = await readParams(req, url);
    calls.push({ method, params, at: Date.now() });
    notify();
    if (rateLimit.n > 0 && (rateLimit.methods ? rateLimit.methods.includes(method) : method !== "getUpdates")) {
      rateLimit.n--;
      const body = { ok: false, error_code: 429, description: `Too Many Requests: retry after ${rateLimit.retryAfter}`, parameters: { retry_after: rateLimit.retryAfter } };
      return Response.json(body, { status: 429 });
    }
    if (failing.n > 0 && (failing.methods ? failing.methods.includes(method) : method !== "getUpdates")) {
      failing.n--;
      return Response.json({ ok: false, error_code: failing.errorCode, description: failing.description }, { status: failing.errorCode });
    }
    const result = method === "getUpdates" ? await getUpdates(params, req.signal) : callMethod(state, method, params, uploads);
    notify();
    if (result && typeof result === "object" && "error_code" in result) {
      const e = result as ApiError;
      return Response.json({ ok: false, ...e }, { status: e.error_code });
    }
    return Response.json({ ok: true, result });
  }

  const serve = (port: number) => Bun.serve({ hostname: "127.0.0.1", port, idleTimeout: 120, fetch: handle });
  let server: ReturnType<typeof Bun.serve> | null = serve(0);
  const port = server.port as number;

  const waitFor = <T>(find: () => T | undefined): Promise<T> => {
    const hit = find();
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise((resolve) => {
      const check = () => {
        const h = find();
        if (h !== undefined) { callWaiters = callWaiters.filter((f) => f !== check); resolve(h); }
      };
      callWaiters.push(check);
    });
  };

  return {
    url: `http://127.0.0.1:${port}`, token, bot: state.bot, calls, state,
    inject(body) {
      const update = { update_id: ++updateSeq, ...body };
      all.push(update);
      if (state.webhook) void deliverWebhook(update);
      else wake();
      return update.update_id;
    },
    sent: (chatId) => state.sent.filter((m) => chatId === undefined || m.chat.id === chatId),
    waitCall: (method, match = () => true) => waitFor(() => calls.find((c) => c.method === method && match(c))),
    waitSent: (match) => waitFor(() => state.sent.find(match)),
    rateLimitNext(n, retryAfter, methods) { rateLimit = { n, retryAfter, methods: methods ?? null }; },
    failNext(n, errorCode, description, methods) { failing = { n, errorCode, description, methods: methods ?? null }; },
    addFile(bytes, path) {
      const id = `file-${state.files.size + 1}`;
      state.files.set(id, { path: path ?? `photos/${id}.jpg`, bytes });
      return id;
    },
    forgetConfirmations() { confirmed = 0; },
    pause() { server?.stop(true); server = null; wake(); },
    resume() { if (!server) server = serve(port); },
    async stop() { wake(); await server?.stop(true); server = null; },
  };
}
