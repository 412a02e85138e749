// The channel router: every inbound message goes normalise → dedup → authorise (pairing,
// allowlist) → gate (groups: mentioned or replied to) → command (/stop, /approve …) → route
// (session) → run the agent → render/split/send. Plugins only speak their platform.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Agent } from "../contracts/agent.ts";
import type { ChannelPlugin, InboundAction, InboundMessage } from "../contracts/channel.ts";
import type { AdmissionConfig, SessionStore } from "../sessions/index.ts";
import { admissionConfig, admit, pairingText } from "./access.ts";
import { confirmation, parseAction, parseCommand, type Command } from "./commands.ts";
import { Dedup } from "./dedup.ts";
import { normalise, normaliseAction } from "./normalise.ts";
import { errorLine } from "./reply.ts";
import { runTurn } from "./run-turn.ts";

export interface RouterChannel {
  plugin: ChannelPlugin;
  /** The channel's block of config.yaml (`dm`, `allow` and the platform's own fields). */
  config: Record<string, unknown>;
}

export interface RouterOptions {
  agent: Agent;
  sessions: SessionStore;
  /** `<home>/state.db`, for the persisted recent message ids; omitted: in memory only. */
  stateDb?: string;
  /** Each channel gets `<stateDir>/<name>` as its private state folder. */
  stateDir: string;
  channels: RouterChannel[];
  log?: (level: "info" | "warn" | "error", message: string) => void;
  /** How often "typing…" is renewed while a turn runs (default 4000 ms). */
  typingIntervalMs?: number;
}

export type ChannelStatus = { state: "connected" | "connecting" | "failed" | "stopped"; detail?: string };

export class ChannelRouter {
  readonly #opts: RouterOptions;
  readonly #dedup: Dedup;
  readonly #admission = new Map<string, AdmissionConfig>();
  readonly #plugins = new Map<string, ChannelPlugin>();
  readonly #failed = new Map<string, string>();
  readonly #inflight = new Set<Promise<void>>();
  #stopped = false;

  constructor(opts: RouterOptions) {
    this.#opts = opts;
    this.#dedup = new Dedup(opts.stateDb);
  }

  /** Connects every channel; one that fails to connect is reported in status, not fatal. */
  async start(): Promise<void> {
    await Promise.all(this.#opts.channels.map(async ({ plugin, config }) => {
      this.#plugins.set(plugin.name, plugin);
      this.#admission.set(plugin.name, admissionConfig(config));
      plugin.onMessage((m) => this.#track(this.handleMessage(plugin, m)));
      plugin.onAction?.((a) => this.#track(this.handleAction(plugin, a)));
      const stateDir = join(this.#opts.stateDir, plugin.name);
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      try {
        await plugin.connect(config, { stateDir, log: (level, message) => this.#log(level, `${plugin.name}: ${message}`) });
      } catch (err) {
        const why = err instanceof Error ? err.message.split("\n")[0] ?? "" : String(err);
        this.#failed.set(plugin.name, why);
        this.#log("error", `${plugin.name}: could not connect: ${why}`);
      }
    }));
  }

  /** Per channel, for GET /health. */
  status(): Record<string, ChannelStatus> {
    const out: Record<string, ChannelStatus> = {};
    for (const [name, plugin] of this.#plugins) {
      const failed = this.#failed.get(name);
      out[name] = failed !== undefined ? { state: "failed", detail: failed } : this.#stopped ? { state: "stopped" } : plugin.status?.() ?? { state: "connected" };
    }
    return out;
  }

  /** Resolves when every message and action received so far has been handled to its end. */
  async idle(): Promise<void> {
    while (this.#inflight.size) await Promise.all([...this.#inflight]);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all([...this.#plugins.values()].map((p) => p.disconnect().catch((err) => this.#log("warn", `${p.name}: disconnect: ${String(err)}`))));
    this.#dedup.close();
  }

  /** The pipeline; returns when the reply (or the turn) is finished. Never throws. */
  async handleMessage(plugin: ChannelPlugin, raw: InboundMessage): Promise<void> {
    const msg = normalise(plugin.name, raw);
    if (!msg) return this.#log("warn", `${plugin.name}: skipped a malformed inbound message`);
    if (msg.id && this.#dedup.seen(msg.channel, msg.id)) return;
    const { sessions } = this.#opts;
    const access = admit(sessions, msg, this.#admission.get(plugin.name) ?? admissionConfig({}));
    if (access.kind === "ignore") return;
    if (access.kind === "pair") return this.#reply(plugin, msg.chatId, pairingText(msg.channel, access.code));
    const user = `${msg.channel}:${msg.userId}`;
    const session = sessions.sessionFor({ channel: msg.channel, chatId: msg.chatId, user, isGroup: msg.isGroup });
    const command = parseCommand(msg.text);
    if (command) return this.#command(plugin, msg, session, command);
    if (!msg.text && !msg.attachments?.length) return;
    await runTurn({ agent: this.#opts.agent, plugin, typingIntervalMs: this.#opts.typingIntervalMs ?? 4000, log: (l, m) => this.#log(l, m) }, msg, session);
  }

  async handleAction(plugin: ChannelPlugin, raw: InboundAction): Promise<void> {
    const action = normaliseAction(plugin.name, raw);
    const parsed = action && parseAction(action.actionId);
    if (!action || !parsed) return this.#log("warn", `${plugin.name}: skipped an unknown or malformed action`);
    await this.#resolve(plugin, action.chatId, `${action.channel}:${action.userId}`, parsed.id, parsed.answer);
  }

  async #command(plugin: ChannelPlugin, msg: InboundMessage, session: string, cmd: Command): Promise<void> {
    if (cmd.kind === "usage") return this.#reply(plugin, msg.chatId, cmd.text);
    if (cmd.kind === "stop") return this.#reply(plugin, msg.chatId, this.#opts.agent.stop(session) ? "Stopped." : "Nothing is running.");
    await this.#resolve(plugin, msg.chatId, `${msg.channel}:${msg.userId}`, cmd.id, cmd.answer);
  }

  async #resolve(plugin: ChannelPlugin, chatId: string, by: string, id: string, answer: "approve" | "deny" | "always"): Promise<void> {
    const r = await this.#opts.agent.resolveApproval(id, answer, by);
    await this.#reply(plugin, chatId, r.ok ? confirmation(answer, id, r.kept) : errorLine(r.error.message, r.error.hint));
  }

  async #reply(plugin: ChannelPlugin, chatId: string, text: string): Promise<void> {
    try {
      await plugin.send(chatId, { text, format: "plain" });
    } catch (err) {
      this.#log("error", `${plugin.name}: send failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
    }
  }

  #track(p: Promise<void>): void {
    // Not awaited by the plugin: a turn waiting for an approval must not block the `/approve`.
    const t = p.catch((err) => this.#log("error", `router: ${err instanceof Error ? err.message : String(err)}`)).finally(() => this.#inflight.delete(t));
    this.#inflight.add(t);
  }

  #log(level: "info" | "warn" | "error", message: string): void {
    (this.#opts.log ?? defaultLog)(level, message);
  }
}

const defaultLog = (level: string, message: string) => process.stderr.write(`${level}: ${message}\n`);

export async function startRouter(opts: RouterOptions): Promise<ChannelRouter> {
  const router = new ChannelRouter(opts);
  await router.start();
  return router;
}
