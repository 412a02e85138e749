// The gateway's `tool.invoke` request as a node receives it, validated at the edge (a node
// trusts nothing the gateway sends): which tool, its params, who asked (for the audit) and, when
// the gateway's user approved this very call, who said yes. A node takes that yes as the answer
// to its own confirmation only when started with --accept-approvals (node-skills.ts).
import { z } from "zod";
import { moltError, type MoltError } from "../contracts/errors.ts";

const label = z.string().max(256);
const invokeParams = z.object({
  tool: z.string().min(1).max(64),
  params: z.unknown().optional(),
  context: z.object({
    session: label.optional(),
    channel: label.optional(),
    user: label.optional(),
    approved: z.object({ by: label.min(1), approval: label.optional() }).strict().optional(),
  }).strict().optional(),
}).strict();

export type InvokeRequest = z.infer<typeof invokeParams>;
export type InvokeContext = NonNullable<InvokeRequest["context"]>;
export type RelayedApproval = NonNullable<InvokeContext["approved"]>;

export function parseInvoke(params: unknown): { ok: true; value: InvokeRequest } | { ok: false; error: MoltError } {
  const parsed = invokeParams.safeParse(params ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue && issue.path.length > 0 ? `.${issue.path.join(".")}` : "";
  return { ok: false, error: moltError("invalid_params", `tool.invoke params${path}: ${issue?.message ?? "invalid"}`) };
}
