// What the gateway is given: where to listen, the token, and the parts it serves (the agent,
// sessions, history, skills, status). Everything but host/port/version is optional so the
// gateway can start before the rest is wired.
import type { Agent } from "../contracts/agent.ts";
import type { AuditRecord } from "../contracts/audit.ts";

export interface HistoryEntry {
  role: string;
  text: string;
  at?: string;
}

export interface SkillInfo {
  name: string;
  description: string;
  kind?: string;
  version?: string;
}

export interface GatewayLimits {
  /** Largest WS frame accepted; bigger ones close the connection (1009). */
  maxFrameBytes: number;
  framesPerSecond: number;
  frameBurst: number;
  /** Failed authentications per address per window before further attempts are refused. */
  authFailures: number;
  authWindowMs: number;
  /** Frames a client may send before `connect`; then it is disconnected. */
  preAuthFrames: number;
  /** How long `connect` may take after the socket opens. */
  connectTimeoutMs: number;
  /** On shutdown, running turns get this long to finish before they are cancelled. */
  shutdownGraceMs: number;
  /** How long the agent waits for a remote node's answer to one tool call. */
  nodeInvokeTimeoutMs: number;
  /** How often a node is pinged (WS ping); any frame or pong from it counts as an answer. */
  nodePingIntervalMs: number;
  /** A node silent this long is closed and its pending calls fail (a frozen process keeps its socket open). */
  nodeDeadMs: number;
  /** Turns one user may have running or queued at once; more `chat.send`s get `rate_limited`. */
  turnsPerUser: number;
  /** Turns the whole gateway runs or queues at once (users are only names a client picks). */
  maxTurns: number;
  /** Addresses the failed-auth limiter remembers; the least recently failing are forgotten first. */
  authAddresses: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxFrameBytes: 1024 * 1024,
  framesPerSecond: 50,
  frameBurst: 200,
  authFailures: 5,
  authWindowMs: 60_000,
  preAuthFrames: 5,
  connectTimeoutMs: 10_000,
  shutdownGraceMs: 5_000,
  nodeInvokeTimeoutMs: 120_000,
  nodePingIntervalMs: 10_000,
  nodeDeadMs: 25_000,
  turnsPerUser: 4,
  maxTurns: 256,
  authAddresses: 10_000,
};

export interface GatewayOptions {
  host: string;
  port: number;
  token?: string;
  version: string;
  /** Live figures of the local node for /health (e.g. the sandbox pool's); called per request. */
  nodeStatus?: () => Record<string, unknown>;
  providersStatus?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  channelsStatus?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  agent?: Agent;
  /**
   * The session of a WS client or hook. `user` is "webchat:<name or connection id>" (or
   * "hook:<name>"); `label` is the optional `session` a client named. Default: the user itself,
   * or "<user>/<label>" — so one client can never name another's session.
   */
  sessionFor?: (user: string, channel: string, label?: string) => string;
  history?: (session: string, last: number) => Promise<HistoryEntry[]>;
  skills?: () => SkillInfo[];
  /** After turns ended and sockets closed: flush audit and memory, disconnect channels. */
  onShutdown?: () => Promise<void>;
  limits?: Partial<GatewayLimits>;
  /**
   * The gateway's own trust gate and audit log, applied to a WS client's `node.invoke` as to the
   * agent's routed calls (DESIGN §5, §6, §9). Without it only clients holding the configured
   * token may use `node.invoke`; everyone else is refused (fail closed).
   */
  nodeGate?: NodeGate;
}

/** What main.ts hands in: `trustLevel(policy, tool)` from policy/ and `AuditLog.append`. */
export interface NodeGate {
  trust(tool: string): { trust: "allow" | "confirm" | "forbid"; rule: string };
  audit(record: AuditRecord): void;
}

export function defaultSessionFor(user: string, _channel: string, label?: string): string {
  return label ? `${user}/${label}` : user;
}
