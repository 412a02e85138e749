// Plays the user over the gateway's WebSocket: sends one message, answers every approval
// request, and resolves with the turn's events once it ends.
import { GatewayClient } from "../../runtime/gateway/client.ts";

export type GatewayEvent = { event: string; data: any };

export async function converse(httpUrl: string, text: string, opts: { approve?: boolean; session?: string } = {}): Promise<GatewayEvent[]> {
  const client = await GatewayClient.connect(httpUrl.replace(/^http/, "ws") + "/ws", { name: "me" });
  const events: GatewayEvent[] = [];
  try {
    return await new Promise<GatewayEvent[]>((resolve, reject) => {
      client.on("*", (e: GatewayEvent) => {
        events.push(e);
        if (e.event === "approval.request") client.request("approval.resolve", { id: e.data.id, approve: opts.approve ?? true }).catch(reject);
        if (e.event === "chat.final" || e.event === "chat.error") resolve(events);
      });
      client.request("chat.send", opts.session ? { text, session: opts.session } : { text }).catch(reject);
    });
  } finally {
    client.close();
  }
}
