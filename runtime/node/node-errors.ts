// A node's refusals say they are the node's (DESIGN §9, STYLE: errors say where they came from):
// the gateway's user reads them far from this device, where "policy.yaml" or "pass --yes" would
// point at the gateway's own file and flags. Every error a node's call returns is prefixed
// `on node <name>:`, the policy it names is the node's, and what to change is a node flag.
import { moltError, type MoltError } from "../contracts/errors.ts";

/** Who the node could not ask during one call, to say how to allow it. */
export interface Asked {
  /** Why its confirmation tier was not answered yes; null when it was not reached or was. */
  confirm: "not-accepting" | "relayed-not-accepted" | "none-relayed" | null;
  /** A permission prompt inside the sandbox found nobody to ask. */
  prompt: boolean;
}

export interface Where {
  tool: string;
  node: string;
  policyFile?: string;
  asked: Asked;
  /** The node was stopping and cancelled the call. */
  stopped: boolean;
}

export function fromNode(e: MoltError, w: Where): MoltError {
  const prefix = `on node ${w.node}: `;
  const policy = `node ${w.node}'s policy${w.policyFile ? ` (${w.policyFile})` : ""}`;
  const allowHere = `list ${w.tool} under trust.allowedWithoutConfirmation in ${policy}`;
  const details = e.details ? { ...e.details, node: w.node } : { node: w.node };
  if (e.code === "confirmation_required" && w.asked.confirm) {
    const flags = "start it with --accept-approvals or --yes";
    const why = {
      "not-accepting": `and the node does not take the gateway's approvals: ${flags}`,
      "relayed-not-accepted": `; the gateway's user approved it, but the node does not take the gateway's approvals: ${flags}`,
      "none-relayed": "and the gateway did not ask anyone before sending it",
    }[w.asked.confirm];
    const how = w.asked.confirm === "none-relayed"
      ? `list ${w.tool} under trust.requiresConfirmation in the gateway's policy so its user is asked (the node runs with --accept-approvals), start the node with --yes, or ${allowHere}`
      : `start the node with --accept-approvals (to take the yes of the gateway's user) or --yes, or ${allowHere}`;
    return moltError("confirmation_required", `${prefix}${w.tool} needs confirmation under ${policy} ${why}`.replace(" ;", ";"), how, details);
  }
  // The sandbox reports an aborted call as skill_error "cancelled by the user".
  if (w.stopped && (e.code === "cancelled" || e.code === "skill_error")) {
    return moltError("cancelled", `${prefix}the node was stopped before ${w.tool} finished`, "run it again once the node is back", details);
  }
  const local = (s: string) =>
    s.replaceAll("policy.yaml", policy).replace(/run it in a terminal, pass --yes/g, "start the node with --yes").replace(/pass --yes/g, "start the node with --yes");
  const message = e.message.startsWith(prefix) ? e.message : prefix + e.message.replaceAll("policy.yaml", "the node's policy");
  const hint = e.hint !== undefined ? local(e.hint) : w.asked.prompt ? `start the node with --yes, or grant it in ${policy}` : undefined;
  return moltError(e.code, message, hint, details);
}
