// The JSON-RPC methods of the fake daemon, with signal-cli's param rules (camelCase names; a
// list param given as one value or an array, singular or plural: `attachment`/`attachments`,
// `textStyle`/`textStyles`) and error codes (-32600 invalid request, -32601 unknown method,
// -32602 invalid params, -1 user error, -5 rate limit with the send results in `data.response`).

export interface RpcCall { method: string; params: Record<string, unknown> }

export interface SentMessage {
  /** `recipient[0]` or `group:<groupId>`, as the bot addresses chats. */
  chatId: string;
  message: string;
  textStyles: string[];
  attachments: string[];
  quoteTimestamp?: number;
  quoteAuthor?: string;
  timestamp: number;
  /** The id the bot got back: `<account>:<timestamp>`. */
  id: string;
}

export interface RpcFaults {
  /** Errors the next calls of a method get, in order (e.g. rate limits). */
  next: { method: string; code: number; message: string; retryAfterSeconds?: number }[];
  /** HTTP statuses (a proxy's 502, a 403) the next calls of a method get instead of an answer; the call is still logged. */
  http?: { method: string; status: number }[];
}

interface Ctx {
  account: string;
  attachments: Map<string, Uint8Array>;
  state: { calls: RpcCall[]; sent: SentMessage[]; typing: Record<string, unknown>[]; faults: RpcFaults };
  now(): number;
}

export const rpcError = (id: unknown, code: number, message: string, data: unknown = null) => ({ jsonrpc: "2.0", error: { code, message, data }, id: id ?? null });
const ok = (id: unknown, result: unknown) => ({ jsonrpc: "2.0", result, id });

/** signal-cli's JsonRpcNamespace: `name`, else `names`; a single value becomes a list. */
function list(p: Record<string, unknown>, name: string): unknown[] {
  const v = p[name] ?? p[`${name}s`];
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

export function handleRpc(req: unknown, ctx: Ctx): unknown {
  const r = req as { jsonrpc?: unknown; method?: unknown; params?: unknown; id?: unknown };
  if (!r || typeof r !== "object" || r.jsonrpc !== "2.0") return rpcError(r?.id, -32600, "jsonrpc field must be set to 2.0");
  if (typeof r.method !== "string") return rpcError(r.id, -32600, "method field must be set");
  const params = (r.params ?? {}) as Record<string, unknown>;
  if (typeof params !== "object" || Array.isArray(params)) return rpcError(r.id, -32602, "params must be an object");
  if (params.account !== undefined && params.account !== ctx.account) return rpcError(r.id, -32602, "Specified account does not exist");
  ctx.state.calls.push({ method: r.method, params });
  const faultAt = ctx.state.faults.next.findIndex((f) => f.method === r.method);
  if (faultAt !== -1) {
    const f = ctx.state.faults.next.splice(faultAt, 1)[0]!;
    const data = f.code === -5 ? { response: { timestamp: ctx.now(), results: [{ recipientAddress: { uuid: null, number: list(params, "recipient")[0] ?? null }, type: "RATE_LIMIT_FAILURE", retryAfterSeconds: f.retryAfterSeconds ?? 0 }] } } : null;
    return rpcError(r.id, f.code, f.message, data);
  }
  const recipients = list(params, "recipient").map(String);
  const groupIds = list(params, "groupId").map(String);
  switch (r.method) {
    case "send": {
      if (!recipients.length && !groupIds.length) return rpcError(r.id, -1, "No recipients given");
      const message = typeof params.message === "string" ? params.message : "";
      const atts = list(params, "attachment").map(String);
      if (!message && !atts.length) return rpcError(r.id, -1, "Send command requires a message or attachment");
      for (const a of atts) if (!/^data:[\w.+-]+\/[\w.+-]+(;[\w-]+=[^;,]*)*;base64,[A-Za-z0-9+/]*={0,2}$/.test(a)) return rpcError(r.id, -1, "Failed to add attachment: not a data URI");
      const styles = list(params, "textStyle").map(String);
      for (const s of styles) if (!/^\d+:\d+:(BOLD|ITALIC|SPOILER|STRIKETHROUGH|MONOSPACE)$/.test(s)) return rpcError(r.id, -1, `Invalid text style: ${s}`);
      const timestamp = ctx.now();
      const chatId = groupIds.length ? `group:${groupIds[0]}` : (recipients[0] as string);
      const sent: SentMessage = { chatId, message, textStyles: styles, attachments: atts, timestamp, id: `${ctx.account}:${timestamp}` };
      if (typeof params.quoteTimestamp === "number") sent.quoteTimestamp = params.quoteTimestamp;
      if (typeof params.quoteAuthor === "string") sent.quoteAuthor = params.quoteAuthor;
      ctx.state.sent.push(sent);
      const results = (groupIds.length ? ["+15550009999"] : recipients).map((n) => ({ recipientAddress: { uuid: null, number: n }, type: "SUCCESS" }));
      return ok(r.id, { timestamp, results });
    }
    case "sendTyping":
      if (!recipients.length && !groupIds.length) return rpcError(r.id, -1, "No recipients given");
      ctx.state.typing.push(params);
      return ok(r.id, {});
    case "getAttachment": {
      const id = typeof params.id === "string" ? params.id : undefined;
      if (!id) return rpcError(r.id, -1, "Missing attachment id parameter");
      if (!recipients.length && !groupIds.length) return rpcError(r.id, -32602, "one of --recipient or --group-id is required");
      const bytes = ctx.attachments.get(id);
      if (!bytes) return rpcError(r.id, -1, `Could not find attachment with ID: ${id}`);
      return ok(r.id, { data: Buffer.from(bytes).toString("base64") });
    }
    case "listGroups":
      return ok(r.id, []);
    case "version":
      return ok(r.id, { version: "0.13.x-fake" });
    default:
      return rpcError(r.id, -32601, "Method not implemented");
  }
}
