// The sandbox's memory limit, enforced on the WASM heap. QuickJS checks each allocation against
// a running total, but this build cannot ask malloc how big a block is (malloc_usable_size is
// unavailable), so the total stays near zero: one allocation larger than the limit fails, while
// many smaller ones together could grow the heap to the WASM maximum (2 GiB), host memory that
// a worker never gives back. Each QuickJS module therefore gets a WebAssembly.Memory whose
// growth is capped here: during a call the heap may grow by at most the call's limit.

const PAGE = 65536;
// What the QuickJS build declares for its imported memory: 16 MiB to start, 2 GiB at most.
const INITIAL_PAGES = 256;
const MAXIMUM_PAGES = 32768;

export class HeapCap {
  #memory: WebAssembly.Memory | undefined;
  #cap = Infinity;
  /** Set when growth was refused since the last `limitGrowth`. */
  hit = false;

  /** A memory for a new QuickJS module; it replaces the last one as the one capped. */
  newMemory(): WebAssembly.Memory {
    const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES });
    const grow = WebAssembly.Memory.prototype.grow;
    // Emscripten's heap resize calls memory.grow and treats a throw as "no more memory":
    // malloc then fails and QuickJS throws its own "out of memory".
    Object.defineProperty(memory, "grow", {
      value: (pages: number) => {
        if (memory.buffer.byteLength + pages * PAGE > this.#cap) {
          this.hit = true;
          throw new RangeError("the sandbox's memory limit");
        }
        return grow.call(memory, pages);
      },
    });
    this.#memory = memory;
    return memory;
  }

  /** The heap's present size in bytes (0 before a module was loaded). */
  get bytes(): number {
    return this.#memory?.buffer.byteLength ?? 0;
  }

  /** From now on the heap may grow by at most `bytes` beyond its present size. */
  limitGrowth(bytes: number): void {
    this.#cap = this.bytes + bytes;
    this.hit = false;
  }

  /** No cap: between calls, and while a failure is described. */
  lift(): void {
    this.#cap = Infinity;
  }
}

/**
 * Makes the module's malloc throw instead of returning 0 when the heap cannot grow:
 * quickjs-emscripten copies strings and bytes to what malloc returned without a check, and
 * address 0 is writable in WASM, so a refused allocation would otherwise write over the start
 * of the heap. False (nothing changed) when the module does not have the expected shape.
 */
export function checkedMalloc(mod: object): boolean {
  const em = (mod as { module?: { _malloc?: (n: number) => number } }).module;
  const malloc = em?._malloc;
  if (!em || typeof malloc !== "function") return false;
  em._malloc = (n: number) => {
    const ptr = malloc(n);
    if (ptr === 0 && n > 0) throw new HeapExhausted();
    return ptr;
  };
  return true;
}

/** A host-side allocation in the WASM heap failed: the call is over its memory limit. */
export class HeapExhausted extends Error {
  constructor() {
    super("out of memory");
    this.name = "HeapExhausted";
  }
}

/** This thread's cap (a worker loads one QuickJS module at a time). */
export const heapCap = new HeapCap();
