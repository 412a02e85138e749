// The gateway's `tool.invoke` request as a node receives it, validated at the edge (a node
// trusts nothing the gateway sends): which tool, its params, and who asked (for the audit).
import { z } from "zod";
import { moltError, type MoltError } from "../contracts/errors.ts";

const label = z.string().max(256);
const invokeParams = z.object({
  tool: z.string().min(1).max(64),
  params: z.unknown().optional(),
  context: z.object({ session: label.optional(), channel: label.optional(), user: label.optional() }).strict().optional(),
}).strict();

export type InvokeRequest = z.infer<typeof invokeParams>;
export type InvokeContext = NonNullable<InvokeRequest["context"]>;

export function parseInvoke(params: unknown): { ok: true; value: InvokeRequest } | { ok: false; error: MoltError } {
  const parsed = invokeParams.safeParse(params ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue && issue.path.length > 0 ? `.${issue.path.join(".")}` : "";
  return { ok: false, error: moltError("invalid_params", `tool.invoke params${path}: ${issue?.message ?? "invalid"}`) };
}
