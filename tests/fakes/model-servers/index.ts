// Local servers that speak the real model-provider wire protocols, for tests that point a
// provider's base_url at them. Each listens on 127.0.0.1:0; call stop() when done.
export { startFakeAnthropic, anthropicProtocol } from "./anthropic.ts";
export { startFakeOpenAI, openaiProtocol } from "./openai.ts";
export { startFakeOllama, ollamaProtocol } from "./ollama.ts";
export type { ReceivedImage } from "./images.ts";
export type { FakeModelServer, FakeServerOptions, RecordedRequest, ScriptedReply, ScriptedToolCall } from "./fake-server.ts";
export { answerText, closedPort, collect } from "./collect.ts";
export { JPEG_BYTES, PNG_BYTES, TOOL_ROUND_TRIP, WITH_IMAGES } from "./conversation.ts";
