// askModel against a model server that streams text without end: the idle timeout never fires
// (every chunk re-arms it), so the reply cap is what ends the call — with output_limit, and the
// request stopped.
import { afterEach, expect, test } from "bun:test";
import { createProvider } from "../providers/index.ts";
import { startEndlessServer, type EndlessServer } from "../providers/test-endless-server.ts";
import { askModel, MAX_REPLY_CHARS } from "./model-step.ts";
import { ScriptedProvider } from "./test-fixture.ts";

let server: EndlessServer | undefined;
afterEach(async () => { await server?.stop(); server = undefined; });

const hi = { messages: [{ role: "user" as const, content: "hi" }] };

test("a reply that never ends stops at MAX_REPLY_CHARS with output_limit, and the server sees the request stopped", async () => {
  const delta = "x".repeat(64 * 1024);
  server = startEndlessServer({
    basePath: "/v1",
    contentType: "text/event-stream",
    repeat: `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta: { content: delta }, finish_reason: null }] })}\n\n`,
  });
  const provider = createProvider({ ai_provider: "openai", openai: { model: "m", api_key: "k", base_url: server.url } });
  let shown = 0;
  const reply = await askModel(provider, hi, new AbortController().signal, (d) => { shown += d.length; });
  if (reply.ok) throw new Error("expected an error");
  expect(reply.error.code).toBe("output_limit");
  expect(reply.error.message).toBe(`openai: the model's reply exceeded ${MAX_REPLY_CHARS} characters; the request was stopped`);
  expect(shown).toBeLessThanOrEqual(MAX_REPLY_CHARS);
  expect(shown).toBeGreaterThan(MAX_REPLY_CHARS - delta.length);
  await server.closed;
  expect(server.sent()).toBeLessThan(64 * 1024 * 1024);
});

test("the provider's signal is aborted when the cap ends the reply, even if its stream would go on", async () => {
  const provider = new ScriptedProvider(async function* () {
    for (;;) yield { type: "text" as const, delta: "y".repeat(4096) };
  });
  const user = new AbortController();
  const reply = await askModel(provider, hi, user.signal, () => {});
  expect(reply.ok === false && reply.error.code).toBe("output_limit");
  expect(provider.signals[0]!.aborted).toBe(true);
  expect(user.signal.aborted).toBe(false);
});
