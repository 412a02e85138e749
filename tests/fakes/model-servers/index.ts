// Local servers that speak the real model-provider wire protocols, for tests that point a
// provider's base_url at them. Each listens on 127.0.0.1:0; call stop() when done.
export { startFakeAnthropic, anthropicProtocol } from "./anthropic.ts";
export { startFakeOpenAI, openaiProtocol } from "./openai.ts";
export { startFakeOllama, ollamaProtocol } from "./ollama.ts";
export type { FakeModelServer, FakeServerOptions, RecordedRequest, ScriptedReply, ScriptedToolCall } from "./fake-server.ts";
export { answerText, closedPort, collect } from "./collect.ts";
export { TOOL_ROUND_TRIP } from "./conversation.ts";
