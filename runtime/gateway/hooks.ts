// POST /hooks/:name — an automation trigger (cron job, CI, another service). It always needs the
// token, even on loopback, because it acts without a person at the keyboard; its turn is
// unattended, so anything needing confirmation is denied by the agent and reported: the reply
// lists every tool call that was denied or failed (tool, code, message — never the parameters,
// which may carry what the caller's payload held).
import type { Context } from "hono";
import { z } from "zod";
import { ERROR_CODES, moltError, toMoltError, type ErrorCode, type MoltError } from "../contracts/errors.ts";
import { requestToken, tokenMatches } from "./auth.ts";
import type { Hub } from "./hub.ts";

const body = z.object({ text: z.string().min(1).max(100_000), session: z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/).optional() }).strict();
const MAX_BODY = 256 * 1024;

const status: Partial<Record<MoltError["code"], 400 | 401 | 404 | 413 | 429 | 500 | 503>> = {
  invalid_input: 400,
  unauthorized: 401,
  not_found: 404,
  output_limit: 413,
  rate_limited: 429,
};

/** A tool call of the hook's turn that did not succeed, as the reply reports it. */
export interface HookCall {
  tool: string;
  code: ErrorCode;
  message: string;
}

/** A person's yes was needed, or the policy said no: nothing ran. */
const DENIED: ReadonlySet<ErrorCode> = new Set(["confirmation_required", "confirmation_rejected", "permission_denied", "forbidden"]);
const MAX_CALLS = 100;
const MAX_MESSAGE = 500;

/** Collects the turn's unsuccessful tool calls from its `tool.result` events. */
export function hookCalls(): { emit: (event: string, data: unknown) => void; denied: HookCall[]; failed: HookCall[] } {
  const denied: HookCall[] = [];
  const failed: HookCall[] = [];
  const emit = (event: string, data: unknown) => {
    if (event !== "tool.result") return;
    const d = data as { tool?: unknown; ok?: unknown; summary?: unknown };
    if (d.ok !== false) return;
    // A failed call's summary is `<code>: <message>` (runtime/agent/tool-text.ts).
    const summary = typeof d.summary === "string" ? d.summary : "";
    const colon = summary.indexOf(": ");
    const known = (ERROR_CODES as readonly string[]).includes(summary.slice(0, colon)) ? (summary.slice(0, colon) as ErrorCode) : null;
    const message = known ? summary.slice(colon + 2) : summary;
    const call: HookCall = {
      tool: String(d.tool ?? "").slice(0, 64),
      code: known ?? "internal",
      message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message,
    };
    const list = DENIED.has(call.code) ? denied : failed;
    if (list.length < MAX_CALLS) list.push(call);
  };
  return { emit, denied, failed };
}

export async function handleHook(c: Context, hub: Hub, ip: string): Promise<Response> {
  const fail = (e: MoltError) => c.json({ ok: false, error: e }, status[e.code] ?? 500);
  const name = c.req.param("name") ?? "";
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) return fail(moltError("not_found", "hook names are lower-case letters, digits, '_' or '-'"));
  if (hub.authFailures.blocked(ip)) return fail(moltError("rate_limited", "too many failed attempts from this address", "try again later"));
  const token = hub.opts.token;
  if (!token) return fail(moltError("unauthorized", "hooks need a gateway token", "set gateway.token (or MOLTBOT_TOKEN) and send it as Authorization: Bearer <token>"));
  if (!tokenMatches(requestToken(c.req.raw.headers), token)) {
    hub.authFailures.fail(ip);
    return fail(moltError("unauthorized", "wrong or missing token", "send Authorization: Bearer <token>"));
  }
  const text = await c.req.text();
  if (text.length > MAX_BODY) return fail(moltError("output_limit", `hook body over ${MAX_BODY} bytes`));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(moltError("invalid_input", "hook body is not JSON", 'send {"text": "..."}'));
  }
  const parsed = body.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(moltError("invalid_input", `hook body${issue?.path.length ? "." + issue.path.join(".") : ""}: ${issue?.message ?? "invalid"}`, 'send {"text": "..."}'));
  }
  const agent = hub.opts.agent;
  if (!agent) return fail(moltError("internal", "no agent is configured in this gateway"));
  if (hub.stopping) return fail(moltError("internal", "the gateway is shutting down"));
  const user = `hook:${name}`;
  const session = hub.sessionFor(user, parsed.data.session, "hook");
  const calls = hookCalls();
  let prepared: ReturnType<Hub["turns"]["prepare"]>;
  try {
    prepared = hub.turns.prepare(agent, { session, user, channel: "hook", text: parsed.data.text, unattended: true, untrusted: `the payload of webhook ${name}` }, calls.emit);
  } catch (err) {
    return fail(toMoltError(err)); // rate_limited: too many turns of this hook, or of the gateway
  }
  const end = await prepared.begin();
  const report = { denied: calls.denied, failed: calls.failed };
  return "error" in end ? c.json({ ok: false, turn: end.turn, error: end.error, ...report }, 200) : c.json({ ok: true, turn: end.turn, text: end.text, ...report });
}
