// quickjs-emscripten copies strings across the WASM boundary with Emscripten's JavaScript UTF-8
// loops, one character at a time: a 1 MB string costs ~10 ms each way, which made reading or
// returning a large file an order of magnitude slower than the file system. These replacements
// use the engine's native encoder and decoder on the same heap, with the same contract
// (NUL-terminated UTF-8). Lone surrogates become U+FFFD instead of being encoded as-is.
import type { QuickJSWASMModule } from "quickjs-emscripten-core";

interface EmscriptenStrings {
  HEAPU8: Uint8Array;
  lengthBytesUTF8(s: string): number;
  stringToUTF8(s: string, ptr: number, maxBytes: number): number;
  UTF8ToString(ptr: number, maxBytes?: number): string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Patches the module's string copying in place; returns false (and changes nothing) when the
 *  module does not have the expected shape, so an upgrade falls back to the slow path safely. */
export function useFastStrings(mod: QuickJSWASMModule): boolean {
  const em = (mod as unknown as { module?: EmscriptenStrings }).module;
  if (!em || !(em.HEAPU8 instanceof Uint8Array) || typeof em.stringToUTF8 !== "function" || typeof em.UTF8ToString !== "function") {
    return false;
  }
  em.lengthBytesUTF8 = (s) => Buffer.byteLength(s, "utf8");
  em.stringToUTF8 = (s, ptr, maxBytes) => {
    if (maxBytes <= 0) return 0;
    const heap = em.HEAPU8; // re-read: the view is replaced when memory grows
    const { written } = encoder.encodeInto(s, heap.subarray(ptr, ptr + maxBytes - 1));
    heap[ptr + written] = 0;
    return written;
  };
  em.UTF8ToString = (ptr, maxBytes) => {
    if (!ptr) return "";
    const heap = em.HEAPU8;
    const limit = maxBytes === undefined ? heap.length : Math.min(heap.length, ptr + maxBytes);
    let end = heap.indexOf(0, ptr);
    if (end < 0 || end > limit) end = limit;
    return decoder.decode(heap.subarray(ptr, end));
  };
  return true;
}
