// The WebSocket frame protocol of DESIGN §8, validated at the edge with strict zod schemas.
// Inbound frames are parsed here once; everything past this file trusts their shape.
import { z } from "zod";
import { moltError, type MoltError } from "../contracts/errors.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../contracts/json-depth.ts";

const frameId = z.union([z.string().min(1).max(64), z.number().int().safe()]);
export type FrameId = z.infer<typeof frameId>;

const reqFrame = z.object({ type: z.literal("req"), id: frameId, method: z.string().min(1).max(64), params: z.unknown().optional() }).strict();
// Only nodes send `res` frames (answers to invocations the gateway forwarded to them).
const resFrame = z.object({ type: z.literal("res"), id: frameId, ok: z.boolean(), result: z.unknown().optional(), error: z.unknown().optional() }).strict();
const inbound = z.discriminatedUnion("type", [reqFrame, resFrame]);
export type InboundFrame = z.infer<typeof inbound>;

const name = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "1-64 letters, digits, '_', '.' or '-'");
const sessionLabel = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, "1-128 letters, digits or _.:@-");

/** Longest `chat.send` text, in UTF-16 code units (JS string length); WebChat checks it too. */
export const MAX_CHAT_TEXT = 100_000;

// What people type: its limits are reported in plain words (see PLAIN below).
const chatText = z.string()
  .min(1, "the message is empty")
  .max(MAX_CHAT_TEXT, `the message is too long: at most ${MAX_CHAT_TEXT} characters`)
  .refine((s) => s.trim() !== "", "the message is blank: it has only spaces or line breaks");

/** Parameters of each method; a method missing here does not exist. */
export const METHOD_PARAMS = {
  connect: z.object({
    token: z.string().max(512).optional(), role: z.enum(["client", "node"]), name: name.optional(),
    // What a node offers (DESIGN §9); clients send neither. Each skill is checked on its own
    // (advertised-skills.ts), so one bad entry is skipped rather than the node refused.
    skills: z.array(z.unknown()).max(500).optional(),
    capabilities: z.record(z.string().max(64), z.unknown()).optional(),
  }).strict(),
  "chat.send": z.object({ text: chatText, session: sessionLabel.optional() }).strict(),
  "approval.resolve": z.object({ id: z.string().min(1).max(64), approve: z.boolean(), always: z.boolean().optional() }).strict(),
  "chat.history": z.object({ session: sessionLabel.optional(), last: z.number().int().min(1).max(500).optional() }).strict(),
  "chat.stop": z.object({ session: sessionLabel.optional() }).strict(),
  "skills.list": z.object({}).strict(),
  status: z.object({}).strict(),
  "node.invoke": z.object({ node: name, tool: z.string().min(1).max(64), params: z.unknown().optional() }).strict(),
} as const;
export type Method = keyof typeof METHOD_PARAMS;
export type ParamsOf<M extends Method> = z.infer<(typeof METHOD_PARAMS)[M]>;

export type ParseResult = { ok: true; frame: InboundFrame } | { ok: false; id: FrameId | null; error: MoltError };

/** Text → frame, or an error that names the field at fault and never echoes the input. */
export function parseFrame(raw: string | Buffer): ParseResult {
  if (typeof raw !== "string") return { ok: false, id: null, error: moltError("invalid_input", "frames are JSON text, not binary") };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, id: null, error: moltError("invalid_input", "frame is not valid JSON") };
  }
  const idTry = frameId.safeParse((value as { id?: unknown } | null)?.id);
  const id = idTry.success ? idTry.data : null;
  // A node's result or a client's params go on to the audit, the model and other clients, all of
  // which walk them level by level. A node's too-deep answer settles its call as a failure.
  if (nestsDeeperThan(raw)) {
    const message = `frame nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`;
    if ((value as { type?: unknown }).type === "res" && id !== null) {
      return { ok: true, frame: { type: "res", id, ok: false, error: moltError("output_limit", `the node's result: ${message}`, "return flatter data") } };
    }
    return { ok: false, id, error: moltError("invalid_input", message) };
  }
  const parsed = inbound.safeParse(value);
  if (parsed.success) return { ok: true, frame: parsed.data };
  return { ok: false, id, error: issueError("frame", parsed.error) };
}

export function parseParams<M extends Method>(method: M, params: unknown): { ok: true; params: ParamsOf<M> } | { ok: false; error: MoltError } {
  const parsed = METHOD_PARAMS[method].safeParse(params ?? {});
  if (parsed.success) return { ok: true, params: parsed.data as ParamsOf<M> };
  return { ok: false, error: issueError(`${method} params`, parsed.error, "invalid_params") };
}

export function isMethod(m: string): m is Method {
  return Object.hasOwn(METHOD_PARAMS, m);
}

/** Fields a person fills in: their size errors read as plain words, the path after them. */
const PLAIN = new Set(["chat.send params.text"]);

function issueError(where: string, err: z.ZodError, code: "invalid_input" | "invalid_params" = "invalid_input"): MoltError {
  const issue = err.issues[0];
  const at = `${where}${issue && issue.path.length > 0 ? `.${issue.path.join(".")}` : ""}`;
  if (issue && PLAIN.has(at) && issue.code !== "invalid_type") return moltError(code, `${issue.message} (${at})`);
  return moltError(code, `${at}: ${issue?.message ?? "invalid"}`, "see runtime/gateway/README.md for the frame protocol");
}

export const res = (id: FrameId | null, result: unknown) => JSON.stringify({ type: "res", id, ok: true, result });
export const resError = (id: FrameId | null, error: MoltError) => JSON.stringify({ type: "res", id, ok: false, error });
export const event = (name: string, data: unknown) => JSON.stringify({ type: "event", event: name, data });
