// One admitted message through the agent: a typing indicator while the turn runs, the final
// answer as parsed + split Markdown, tool images as attachments, approval prompts, and errors
// as one line. Per-session ordering is the agent's; this only renders what the turn emits.
import type { Agent, AgentEvent } from "../contracts/agent.ts";
import type { Attachment, ChannelPlugin, InboundMessage, Message } from "../contracts/channel.ts";
import { approvalMessages, errorLine, markdownMessages } from "./reply.ts";
import type { Limits } from "./split.ts";

export interface TurnDeps {
  agent: Agent;
  plugin: ChannelPlugin;
  typingIntervalMs: number;
  log(level: "info" | "warn" | "error", message: string): void;
}

export async function runTurn(deps: TurnDeps, msg: InboundMessage, session: string): Promise<void> {
  const { agent, plugin } = deps;
  const send = (m: Message) => sendLogged(deps, msg.chatId, m);
  const typing = startTyping(deps, msg.chatId);
  try {
    const events = agent.run({
      session, user: `${msg.channel}:${msg.userId}`, channel: msg.channel, text: msg.text,
      ...(msg.attachments?.length ? { attachments: msg.attachments } : {}),
      // In a group others write too: what reaches the model there is not only the user's word.
      ...(msg.isGroup ? { untrusted: `a message in a ${msg.channel} group chat` } : {}),
    });
    for await (const e of events) await onEvent(e, send, plugin, msg);
  } catch (err) {
    await send({ text: errorLine(err instanceof Error ? err.message : String(err)) });
  } finally {
    typing.stop();
  }
}

async function onEvent(e: AgentEvent, send: (m: Message) => Promise<void>, max: Limits, msg: InboundMessage): Promise<void> {
  switch (e.type) {
    case "approval_request":
      for (const m of approvalMessages(e.approval, max)) await send(m);
      return;
    case "tool_result": {
      const images = imagesOf(e.attachments);
      if (images.length) await send({ text: "", attachments: images });
      return;
    }
    case "final": {
      const messages = e.text.trim() ? markdownMessages(e.text, max) : [];
      if (msg.isGroup && msg.id && messages[0]) messages[0].replyTo = msg.id;
      for (const m of messages) await send(m);
      const images = imagesOf(e.attachments);
      if (images.length) await send({ text: "", attachments: images });
      return;
    }
    case "error":
      // `/stop` already answered the user; a cancelled turn needs no second message.
      if (e.error.code !== "cancelled") await send({ text: errorLine(e.error.message, e.error.hint) });
      return;
    default:
      return;
  }
}

const imagesOf = (a?: Attachment[]): Attachment[] => (a ?? []).filter((x) => x.kind === "image");

async function sendLogged(deps: TurnDeps, chatId: string, m: Message): Promise<void> {
  try {
    await deps.plugin.send(chatId, m);
  } catch (err) {
    deps.log("error", `${deps.plugin.name}: send failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  }
}

/** "typing…" now and every interval until stopped; platforms expire it after ~5 s. */
function startTyping(deps: TurnDeps, chatId: string): { stop(): void } {
  const typing = deps.plugin.typing?.bind(deps.plugin);
  if (!typing) return { stop() {} };
  const tick = () => void typing(chatId).catch(() => {});
  tick();
  const timer = setInterval(tick, deps.typingIntervalMs);
  return { stop: () => clearInterval(timer) };
}
