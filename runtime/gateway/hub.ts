// The gateway's live state: connections by user (a turn's events reach every socket of its
// user, so a reconnected WebChat keeps streaming), connected nodes, running turns, and the
// per-address failed-auth limiter.
import type { ServerWebSocket } from "bun";
import { Connection, type ConnData } from "./connection.ts";
import { DEFAULT_LIMITS, defaultSessionFor, type GatewayLimits, type GatewayOptions } from "./options.ts";
import { FailureLimiter } from "./rate-limit.ts";
import { TurnTracker } from "./turns.ts";

export class Hub {
  readonly limits: GatewayLimits;
  readonly turns = new TurnTracker();
  readonly authFailures: FailureLimiter;
  readonly nodes = new Map<string, Connection>();
  private readonly conns = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly startedAt = Date.now();
  stopping = false;

  constructor(readonly opts: GatewayOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.authFailures = new FailureLimiter(this.limits.authFailures, this.limits.authWindowMs);
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
    if (set?.size === 0) this.byUser.delete(conn.user);
  }

  sendToUser(user: string, text: string): void {
    for (const c of this.byUser.get(user) ?? []) c.send(text);
  }

  sessionFor(user: string, label?: string, channel = "webchat"): string {
    return (this.opts.sessionFor ?? defaultSessionFor)(user, channel, label);
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
      turns: this.turns.size,
    };
  }
}
