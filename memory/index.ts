// Markdown memory: the store, its tools, and the id encoding other parts may need.
export { MemoryStore, type SearchHit, type TranscriptInput, type WriteRequest } from "./store.ts";
export { memoryTools } from "./tools.ts";
export { decodeId, encodeId } from "./paths.ts";
export type { Role, TranscriptEntry } from "./transcript-format.ts";
