// The WS methods of DESIGN §8 after `connect`. Each gets validated params and the calling
// connection; what it returns is the `res` frame's result, what it throws its error.
import { fail, MoltFailure } from "../contracts/errors.ts";
import type { Connection } from "./connection.ts";
import { event, type Method, type ParamsOf } from "./frames.ts";
import type { Hub } from "./hub.ts";
import { clientNodeInvoke } from "./node-invoke.ts";

export interface MethodContext {
  hub: Hub;
  conn: Connection;
  /** Runs after the reply is sent (a turn's events must follow its `{turn}` reply). */
  afterReply(f: () => void): void;
}

type Handlers = { [M in Exclude<Method, "connect">]: (ctx: MethodContext, params: ParamsOf<M>) => unknown };

/** A node may only report status; it answers invocations with `res` frames. */
export const NODE_METHODS = new Set<Method>(["status"]);

function agentOf(hub: Hub) {
  return hub.opts.agent ?? fail("internal", "no agent is configured in this gateway", "check ai_provider in config.yaml");
}

export const HANDLERS: Handlers = {
  "chat.send": ({ hub, conn, afterReply }, p) => {
    const agent = agentOf(hub);
    if (hub.stopping) fail("internal", "the gateway is shutting down", "reconnect in a moment");
    const session = hub.sessionFor(conn.user, p.session);
    const user = conn.user;
    const { turn, begin } = hub.turns.prepare(agent, { session, user, channel: "webchat", text: p.text }, (name, data) => hub.sendTurnEvent(user, session, name, data as Record<string, unknown>));
    afterReply(() => void begin());
    return { turn, session };
  },

  "approval.resolve": async ({ hub, conn, afterReply }, p) => {
    const answer = p.approve ? (p.always ? "always" : "approve") : "deny";
    const r = await agentOf(hub).resolveApproval(p.id, answer, conn.user);
    if (!r.ok) throw new MoltFailure(r.error);
    // The first answer wins: every socket of the requester drops its card, this one after its reply.
    const settled = hub.approvals.settle(p.id, p.approve ? "approved" : "denied", conn.user);
    if (settled) afterReply(() => hub.sendToUser(settled.user, event("approval.resolved", settled.data)));
    // An "always" says how long the policy keeps it (confirmation.remember): absent, not at all.
    return { id: p.id, answer, ...(r.kept ? { kept: r.kept } : {}) };
  },

  "chat.history": async ({ hub, conn }, p) => {
    const session = hub.sessionFor(conn.user, p.session);
    const messages = hub.opts.history ? await hub.opts.history(session, p.last ?? 50) : [];
    return { session, messages };
  },

  "chat.stop": ({ hub, conn }, p) => {
    const session = hub.sessionFor(conn.user, p.session);
    const cancelled = hub.turns.cancelSession(session);
    const stopped = hub.opts.agent?.stop(session) ?? false;
    return { session, stopped: cancelled || stopped };
  },

  "skills.list": ({ hub }) => ({ skills: hub.opts.skills?.() ?? [] }),

  status: ({ hub, conn }) => ({ ...hub.status(), user: conn.user }),

  "node.invoke": ({ hub, conn }, p) => clientNodeInvoke(hub, conn, p),
};
