// Reading a provider's answer in tests: all events, and the text they add up to.
import type { ChatEvent, ChatRequest, ModelProvider } from "../../../runtime/contracts/index.ts";

export async function collect(provider: ModelProvider, req: ChatRequest, signal: AbortSignal = new AbortController().signal): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const ev of provider.chat(req, signal)) events.push(ev);
  return events;
}

export function answerText(events: ChatEvent[]): string {
  return events.map((e) => (e.type === "text" ? e.delta : "")).join("");
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = server.port as number;
  await server.stop(true);
  return port;
}
