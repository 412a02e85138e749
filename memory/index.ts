// Markdown memory: the store and the id encoding other parts may need. The model reaches it
// through the memory_search / memory_write skills (skills/builtin/, runtime/services/memory/).
export { MemoryStore, type SearchHit, type TranscriptInput, type WriteRequest } from "./store.ts";
export { decodeId, encodeId } from "./paths.ts";
export { MAX_FACT } from "./profile-format.ts";
export type { Role, TranscriptEntry } from "./transcript-format.ts";
