// POST /hooks/:name — an automation trigger (cron job, CI, another service). It always needs the
// token, even on loopback, because it acts without a person at the keyboard; its turn is
// unattended, so anything needing confirmation is denied by the agent and reported.
import type { Context } from "hono";
import { z } from "zod";
import { moltError, toMoltError, type MoltError } from "../contracts/errors.ts";
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
  let prepared: ReturnType<Hub["turns"]["prepare"]>;
  try {
    prepared = hub.turns.prepare(agent, { session, user, channel: "hook", text: parsed.data.text, unattended: true, untrusted: `the payload of webhook ${name}` }, () => {});
  } catch (err) {
    return fail(toMoltError(err)); // rate_limited: too many turns of this hook, or of the gateway
  }
  const end = await prepared.begin();
  return "error" in end ? c.json({ ok: false, turn: end.turn, error: end.error }, 200) : c.json({ ok: true, turn: end.turn, text: end.text });
}
