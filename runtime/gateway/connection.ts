// One WebSocket client: `connect` first (token, or loopback when no token is configured), then
// rate-limited method calls. Every bad frame is answered with an error frame; a client that
// keeps failing before `connect`, or floods, is closed cleanly.
import type { ServerWebSocket } from "bun";
import { moltError, MoltFailure, toMoltError, type MoltError } from "../contracts/errors.ts";
import { tokenMatches } from "./auth.ts";
import { checkAdvertised, type AdvertisedSkill } from "./advertised-skills.ts";
import { event, isMethod, parseFrame, parseParams, res, resError, type FrameId, type InboundFrame } from "./frames.ts";
import type { Hub } from "./hub.ts";
import { HANDLERS, NODE_METHODS } from "./methods.ts";
import { TokenBucket } from "./rate-limit.ts";

export interface ConnData {
  id: string;
  ip: string;
  loopback: boolean;
  conn?: Connection;
}

/** Close codes: 1008 policy violation (auth, flooding), 1001 going away (shutdown). */
export const CLOSE = { policy: 1008, goingAway: 1001 } as const;

export class Connection {
  state: "new" | "ready" | "closed" = "new";
  role: "client" | "node" = "client";
  user = "";
  name = "";
  /** What a node advertised in `connect` (DESIGN §9); empty for clients. */
  skills: AdvertisedSkill[] = [];
  capabilities: Record<string, unknown> = {};
  /** It presented the configured token (the owner's secret), not just a loopback address. */
  withToken = false;
  private preAuth = 0;
  /** When a node last showed it is alive: a pong or any frame. A frozen process keeps its socket open. */
  private lastSeen = Date.now();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Why a node was dropped, for the calls still waiting on it. */
  private lostReason = "";
  private limitedInARow = 0;
  private readonly bucket: TokenBucket;
  private readonly connectTimer: ReturnType<typeof setTimeout>;
  private readonly invocations = new Map<string, { resolve: (v: unknown) => void; reject: (e: MoltError) => void }>();
  private invocationSeq = 0;

  constructor(private readonly ws: ServerWebSocket<ConnData>, private readonly hub: Hub) {
    const l = hub.limits;
    this.bucket = new TokenBucket(l.framesPerSecond, l.frameBurst);
    this.connectTimer = setTimeout(() => this.state === "new" && this.close(CLOSE.policy, "connect timeout"), l.connectTimeoutMs);
  }

  get id(): string {
    return this.ws.data.id;
  }

  onMessage(raw: string | Buffer): void {
    if (this.state === "closed") return;
    this.lastSeen = Date.now();
    const limited = !this.bucket.take();
    const parsed = parseFrame(raw);
    if (limited) {
      // Answered with the frame's id so a client's pending request settles; never executed.
      if (++this.limitedInARow > 1_000) return this.close(CLOSE.policy, "rate limited");
      const id = parsed.ok ? parsed.frame.id : parsed.id;
      this.send(resError(id, moltError("rate_limited", "too many frames", `at most ${this.hub.limits.framesPerSecond} per second`)));
      return;
    }
    this.limitedInARow = 0;
    if (!parsed.ok) return this.state === "new" ? this.rejectPreAuth(parsed.id, parsed.error) : void this.send(resError(parsed.id, parsed.error));
    const frame = parsed.frame;
    if (this.state === "new") {
      if (frame.type === "res" || frame.method !== "connect") return this.rejectPreAuth(frame.id, moltError("unauthorized", "send connect first", "the first frame must be connect {token, role}"));
      return this.connect(frame.id, frame.params);
    }
    if (frame.type === "res") return this.onResult(frame);
    void this.call(frame.id, frame.method, frame.params);
  }

  send(text: string): boolean {
    if (this.state === "closed") return false;
    return this.ws.send(text) !== 0;
  }

  close(code: number, reason: string): void {
    if (this.state === "closed") return;
    this.ws.close(code, reason);
    this.onClose();
  }

  onPong(): void {
    this.lastSeen = Date.now();
  }

  /** A node silent for more than one ping interval (and half another for the answer) may be replaced. */
  unresponsive(): boolean {
    return Date.now() - this.lastSeen > this.hub.limits.nodePingIntervalMs * 1.5;
  }

  /** Drops a node that stopped answering: its socket is cut (a close handshake would wait on it). */
  lose(reason: string): void {
    if (this.state === "closed") return;
    this.lostReason = reason;
    this.ws.terminate();
    this.onClose();
  }

  /** Called once the socket is gone, whoever closed it. */
  onClose(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    clearTimeout(this.connectTimer);
    clearInterval(this.heartbeat);
    const why = this.lostReason || `node ${this.name} disconnected`;
    for (const p of this.invocations.values()) p.reject(moltError("channel_error", `${why}; the call did not complete`));
    this.invocations.clear();
    this.hub.forget(this);
  }

  /** Forwards a tool call to this node and waits for its `res` frame; `context` is who asked, for the node's audit. */
  invoke(tool: string, params: unknown, timeoutMs = 30_000, context?: Record<string, unknown>): Promise<unknown> {
    const id = `inv${++this.invocationSeq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (this.invocations.delete(id), reject(new MoltFailure(moltError("timeout", `node ${this.name} did not answer in time`)))), timeoutMs);
      const done = <T>(f: (v: T) => void) => (v: T) => (clearTimeout(timer), this.invocations.delete(id), f(v));
      this.invocations.set(id, { resolve: done(resolve), reject: done((e: MoltError) => reject(new MoltFailure(e))) });
      this.send(JSON.stringify({ type: "req", id, method: "tool.invoke", params: context ? { tool, params, context } : { tool, params } }));
    });
  }

  private onResult(frame: Extract<InboundFrame, { type: "res" }>): void {
    const pending = this.role === "node" && this.state === "ready" ? this.invocations.get(String(frame.id)) : undefined;
    if (!pending) return void this.send(resError(frame.id, moltError("invalid_input", "unexpected res frame", "only nodes answer the gateway's requests")));
    if (frame.ok) pending.resolve(frame.result);
    else pending.reject(toMoltError(frame.error));
  }

  private rejectPreAuth(id: FrameId | null, error: MoltError): void {
    this.send(resError(id, error));
    if (++this.preAuth >= this.hub.limits.preAuthFrames) this.close(CLOSE.policy, "connect first");
  }

  private connect(id: FrameId, raw: unknown): void {
    const p = parseParams("connect", raw);
    if (!p.ok) return this.rejectPreAuth(id, p.error);
    const { ip } = this.ws.data;
    const limiter = this.hub.authFailures;
    if (limiter.blocked(ip)) {
      const wait = Math.ceil(limiter.retryAfter(ip) / 1000);
      this.send(resError(id, moltError("rate_limited", "too many failed connection attempts from this address", `try again in ${wait} s`)));
      return this.close(CLOSE.policy, "rate limited");
    }
    const token = this.hub.opts.token;
    if (!(token ? tokenMatches(p.params.token, token) : this.ws.data.loopback)) {
      limiter.fail(ip);
      const message = token ? "wrong or missing token" : "connections from other machines need a token";
      this.send(resError(id, moltError("unauthorized", message, "pass the gateway token (gateway.token or MOLTBOT_TOKEN)")));
      return this.close(CLOSE.policy, "unauthorized");
    }
    this.withToken = token !== undefined;
    this.role = p.params.role;
    this.name = p.params.name ?? this.id;
    let skipped: { name: string; reason: string }[] = [];
    if (this.role === "node") {
      const old = this.hub.nodes.get(this.name);
      if (old && !old.unresponsive()) return this.rejectPreAuth(id, moltError("invalid_input", `a node named ${this.name} is already connected`, "pick another --name"));
      // A frozen node under this name would otherwise block its own restart until it is closed.
      old?.lose(`node ${this.name} stopped answering pings and was replaced by a new connection`);
      const ad = checkAdvertised(p.params.skills ?? []);
      (this.skills = ad.skills, skipped = ad.skipped, this.capabilities = p.params.capabilities ?? {});
    }
    this.user = `${this.role === "node" ? "node" : "webchat"}:${this.name}`;
    this.state = "ready";
    clearTimeout(this.connectTimer);
    this.hub.register(this);
    if (this.role === "node") this.startHeartbeat();
    this.send(res(id, { user: this.user, role: this.role, session: this.hub.sessionFor(this.user), version: this.hub.opts.version, ...(skipped.length ? { skipped } : {}) }));
    // A reload, a second tab or a new terminal gets the cards a live socket got, and may answer them.
    if (this.role === "client") for (const a of this.hub.approvals.of(this.user)) this.send(event("approval.request", a));
  }

  /** Pings a node every interval and drops it once it has been silent for `nodeDeadMs`. */
  private startHeartbeat(): void {
    const { nodePingIntervalMs: every, nodeDeadMs: dead } = this.hub.limits;
    let lastPing = Date.now();
    // Checked twice per interval, so a silent node goes soon after `dead`, not up to an interval later.
    this.heartbeat = setInterval(() => {
      const now = Date.now();
      const silent = now - this.lastSeen;
      if (silent > dead) return this.lose(`node ${this.name} stopped answering (no reply to pings for ${Math.round(silent / 1000)} s)`);
      if (now - lastPing >= every) (lastPing = now, this.ws.ping());
    }, Math.max(5, Math.floor(Math.min(every, dead) / 2)));
  }

  private async call(id: FrameId, method: string, raw: unknown): Promise<void> {
    if (method === "connect") return void this.send(resError(id, moltError("invalid_input", "already connected")));
    if (!isMethod(method)) return void this.send(resError(id, moltError("not_found", `no method ${method.slice(0, 64)}`, "see runtime/gateway/README.md for the methods")));
    if (this.role === "node" && !NODE_METHODS.has(method)) return void this.send(resError(id, moltError("unauthorized", `nodes may not call ${method}`)));
    const p = parseParams(method, raw);
    if (!p.ok) return void this.send(resError(id, p.error));
    const after: (() => void)[] = [];
    try {
      const handler = HANDLERS[method as Exclude<typeof method, "connect">] as (ctx: unknown, params: unknown) => unknown;
      const result = await handler({ hub: this.hub, conn: this, afterReply: (f: () => void) => after.push(f) }, p.params);
      this.send(res(id, result));
      for (const f of after) f();
    } catch (err) {
      this.send(resError(id, toMoltError(err)));
    }
  }
}
