// A user's images on each provider's wire: Anthropic image blocks, OpenAI image_url data: URLs,
// Ollama `images` — checked in the request bodies the fake servers recorded, through the SDKs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { answerText, collect, JPEG_BYTES, PNG_BYTES, startFakeAnthropic, startFakeOllama, startFakeOpenAI, WITH_IMAGES, type FakeModelServer } from "../../tests/fakes/model-servers/index.ts";
import { createProvider } from "./index.ts";

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const PNG = b64(PNG_BYTES);
const JPEG = b64(JPEG_BYTES);
const imageOnly = { messages: [{ role: "user" as const, content: "", images: [{ mime: "image/png", data: PNG_BYTES }] }] };

let anthropic: FakeModelServer, openai: FakeModelServer, ollama: FakeModelServer;
beforeAll(async () => { [anthropic, openai, ollama] = await Promise.all([startFakeAnthropic(), startFakeOpenAI(), startFakeOllama()]); });
afterAll(() => Promise.all([anthropic.stop(), openai.stop(), ollama.stop()]));

const providers = {
  anthropic: () => createProvider({ ai_provider: "anthropic", anthropic: { model: "claude-test", api_key: "k", base_url: anthropic.url } }),
  openai: () => createProvider({ ai_provider: "openai", openai: { model: "gpt-test", api_key: "k", base_url: openai.url } }),
  ollama: () => createProvider({ ai_provider: "ollama", ollama: { model: "llava", base_url: ollama.url } }),
};
const bodyOf = (fake: FakeModelServer) => fake.requests.at(-1)!.body as { messages: unknown[] };

describe("anthropic", () => {
  test("images go as base64 image blocks before the caption; text-only messages stay strings", async () => {
    anthropic.script([{ text: "A cat and a dog." }]);
    expect(answerText(await collect(providers.anthropic(), WITH_IMAGES))).toBe("A cat and a dog.");
    expect(bodyOf(anthropic).messages).toEqual([
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello." },
      { role: "user", content: [
        { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
        { type: "image", source: { type: "base64", media_type: "image/jpeg", data: JPEG } },
        { type: "text", text: "What is in these?" },
      ] },
    ]);
    expect(anthropic.requests.at(-1)!.images.map((i) => [i.mime, i.base64, i.text])).toEqual([["image/png", PNG, "What is in these?"], ["image/jpeg", JPEG, "What is in these?"]]);
  });

  test("an image without a caption is a lone image block (no empty text block, which the API rejects)", async () => {
    await collect(providers.anthropic(), imageOnly);
    expect(bodyOf(anthropic).messages).toEqual([{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }] }]);
  });
});

describe("openai", () => {
  test("images go as image_url data: URLs after the caption part; text-only messages stay strings", async () => {
    openai.script([{ text: "A cat and a dog." }]);
    expect(answerText(await collect(providers.openai(), WITH_IMAGES))).toBe("A cat and a dog.");
    expect(bodyOf(openai).messages).toEqual([
      { role: "system", content: "You are terse." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello." },
      { role: "user", content: [
        { type: "text", text: "What is in these?" },
        { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
        { type: "image_url", image_url: { url: `data:image/jpeg;base64,${JPEG}` } },
      ] },
    ]);
    expect(openai.images().slice(-2).map((i) => [i.mime, i.base64, i.text])).toEqual([["image/png", PNG, "What is in these?"], ["image/jpeg", JPEG, "What is in these?"]]);
  });

  test("an image without a caption has no empty text part", async () => {
    await collect(providers.openai(), imageOnly);
    expect(bodyOf(openai).messages).toEqual([{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] }]);
  });
});

describe("ollama", () => {
  test("images go base64 in the message's images, the caption stays its content", async () => {
    ollama.script([{ text: "A cat and a dog." }]);
    expect(answerText(await collect(providers.ollama(), WITH_IMAGES))).toBe("A cat and a dog.");
    expect(bodyOf(ollama).messages).toEqual([
      { role: "system", content: "You are terse." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello." },
      { role: "user", content: "What is in these?", images: [PNG, JPEG] },
    ]);
    expect(ollama.requests.at(-1)!.images.map((i) => [i.message, i.base64, i.text])).toEqual([[3, PNG, "What is in these?"], [3, JPEG, "What is in these?"]]);
  });

  test("the echo fake still answers the caption, and text-only requests record no images", async () => {
    expect(answerText(await collect(providers.ollama(), WITH_IMAGES))).toBe("What is in these?");
    await collect(providers.ollama(), { messages: [{ role: "user", content: "plain" }] });
    expect(ollama.requests.at(-1)!.images).toEqual([]);
  });
});
