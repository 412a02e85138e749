// The gateway's live state: connections by user (a turn's events reach every socket of its
// user, so a reconnected WebChat keeps streaming), connected nodes, running turns, and the
// per-address failed-auth limiter. When a user's last socket closes, their queued turns are
// cancelled; running ones go on, for the client to pick up when it reconnects.
import type { ServerWebSocket } from "bun";
import { moltError, toMoltError } from "../contracts/errors.ts";
import type { JSONSchema, ToolContext, ToolResult } from "../contracts/tool.ts";
import { Connection, type ConnData } from "./connection.ts";
import { event } from "./frames.ts";
import { OpenApprovals, type ApprovalOutcome } from "./open-approvals.ts";
import { DEFAULT_LIMITS, defaultSessionFor, type GatewayLimits, type GatewayOptions } from "./options.ts";
import { FailureLimiter } from "./rate-limit.ts";
import { TurnTracker } from "./turns.ts";

export class Hub {
  readonly limits: GatewayLimits;
  readonly turns: TurnTracker;
  readonly authFailures: FailureLimiter;
  readonly nodes = new Map<string, Connection>();
  /** Approvals shown and not yet settled, replayed to every socket of their user on connect. */
  readonly approvals = new OpenApprovals();
  private readonly conns = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly startedAt = Date.now();
  stopping = false;

  constructor(readonly opts: GatewayOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.turns = new TurnTracker({ perUser: this.limits.turnsPerUser, total: this.limits.maxTurns });
    this.authFailures = new FailureLimiter(this.limits.authFailures, this.limits.authWindowMs, Date.now, this.limits.authAddresses);
  }

  open(ws: ServerWebSocket<ConnData>): void {
    const conn = new Connection(ws, this);
    ws.data.conn = conn;
    this.conns.add(conn);
  }

  register(conn: Connection): void {
    if (conn.role === "node") this.nodes.set(conn.name, conn);
    let set = this.byUser.get(conn.user);
    if (!set) this.byUser.set(conn.user, (set = new Set()));
    set.add(conn);
  }

  forget(conn: Connection): void {
    this.conns.delete(conn);
    if (this.nodes.get(conn.name) === conn) this.nodes.delete(conn.name);
    const set = this.byUser.get(conn.user);
    set?.delete(conn);
    if (set?.size === 0) {
      this.byUser.delete(conn.user);
      this.turns.cancelQueued(conn.user);
    }
  }

  sendToUser(user: string, text: string): void {
    for (const c of this.byUser.get(user) ?? []) c.send(text);
  }

  /** One event of a user's turn to all their sockets; a settled approval is announced first. */
  sendTurnEvent(user: string, session: string, name: string, data: Record<string, unknown>): void {
    if (name === "approval.resolved") {
      // The agent's word on how it ended; already announced when a client here answered it.
      const settled = this.approvals.settle(String(data.id), data.state as ApprovalOutcome);
      if (settled) this.sendToUser(user, event(name, settled.data));
      return;
    }
    const settled = this.approvals.observe(user, session, name, data);
    if (settled) this.sendToUser(user, event("approval.resolved", settled));
    this.sendToUser(user, event(name, data));
  }

  sessionFor(user: string, label?: string, channel = "webchat"): string {
    return (this.opts.sessionFor ?? defaultSessionFor)(user, channel, label);
  }

  /** Every skill the connected nodes advertise, node by node in connection order (DESIGN §9 routing). */
  remoteTools(): { node: string; name: string; description: string; parameters: JSONSchema; version: string }[] {
    // A name a local skill has is never routed away (the agent's rule too), whichever node offers it.
    const local = new Set((this.opts.skills?.() ?? []).map((s) => s.name));
    return [...this.nodes.values()].flatMap((n) => n.skills.filter((s) => !local.has(s.name)).map((s) => ({ node: n.name, ...s })));
  }

  /** Runs a tool on a connected node; errors (unknown node, the node's denial, a lost socket) are values. */
  async invokeRemote(node: string, tool: string, params: unknown, ctx: ToolContext = {}): Promise<ToolResult> {
    const conn = this.nodes.get(node);
    if (!conn) return { ok: false, error: moltError("not_found", `no node named ${node} is connected`, "see 'status' for the connected nodes") };
    const context: Record<string, unknown> = {};
    for (const k of ["session", "channel", "user"] as const) if (ctx[k] !== undefined) context[k] = ctx[k];
    // The agent's relayed yes to this very call (runtime/agent/call-remote.ts); a client's node.invoke never has one.
    const approved = (ctx as { approved?: unknown }).approved;
    if (approved !== undefined) context.approved = approved;
    // The node applies its own time limits; this only bounds a node that never answers.
    const call = conn.invoke(tool, params, this.limits.nodeInvokeTimeoutMs, context).then(
      (output): ToolResult => ({ ok: true, output }),
      (err): ToolResult => ({ ok: false, error: toMoltError(err) }),
    );
    const signal = ctx.signal;
    if (!signal) return call;
    // A cancelled turn stops waiting; the node's answer, when it comes, is dropped.
    const cancelled = moltError("cancelled", `stopped waiting for node ${node}`, undefined, { cancelled: true });
    if (signal.aborted) return { ok: false, error: cancelled };
    return Promise.race([call, new Promise<ToolResult>((r) => signal.addEventListener("abort", () => r({ ok: false, error: cancelled }), { once: true }))]);
  }

  closeAll(code: number, reason: string): void {
    for (const c of [...this.conns]) c.close(code, reason);
  }

  status() {
    return {
      version: this.opts.version,
      uptime_ms: Date.now() - this.startedAt,
      clients: this.conns.size,
      nodes: [...this.nodes.keys()],
      node_details: [...this.nodes.values()].map((n) => ({ name: n.name, skills: n.skills.map((s) => s.name), capabilities: n.capabilities })),
      turns: this.turns.size,
    };
  }
}
