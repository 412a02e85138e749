import { describe, expect, test } from "bun:test";
import { readBodyAtMost, readBodyHead } from "./read-body.ts";

/** A body of `chunks` chunks of 1000 bytes, recording whether it was cancelled. */
function body(chunks: number, headers: Record<string, string> = {}) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (state.pulled === chunks) return c.close();
      state.pulled++;
      c.enqueue(new Uint8Array(1000).fill(state.pulled));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { res: new Response(stream, { headers }), state };
}

describe("readBodyAtMost", () => {
  test("a body up to the cap arrives whole, in order", async () => {
    const { res } = body(5);
    const bytes = await readBodyAtMost(res, 5000);
    expect(bytes?.length).toBe(5000);
    expect([bytes![0], bytes![1999], bytes![4999]]).toEqual([1, 2, 5]);
  });

  test("one byte past the cap, streamed or declared: null, the body cancelled, no more read", async () => {
    const streamed = body(1_000_000);
    expect(await readBodyAtMost(streamed.res, 4999)).toBeNull();
    expect(streamed.state.cancelled).toBe(true);
    expect(streamed.state.pulled).toBeLessThan(10);
    const declared = body(1, { "content-length": "5000" });
    expect(await readBodyAtMost(declared.res, 4999)).toBeNull();
    expect(declared.state.cancelled).toBe(true);
  });
});

describe("readBodyHead", () => {
  test("a longer body: its first bytes exactly, marked cut, the rest cancelled unread", async () => {
    const streamed = body(1_000_000, { "content-length": "1000000000" });
    const { body: head, cut } = await readBodyHead(streamed.res, 2500);
    expect(cut).toBe(true);
    expect(head.length).toBe(2500);
    expect([head[0], head[999], head[1000], head[2499]]).toEqual([1, 1, 2, 3]);
    expect(streamed.state.cancelled).toBe(true);
    expect(streamed.state.pulled).toBeLessThan(10);
  });

  test("a body of exactly the cap is whole and not cut", async () => {
    const { res } = body(3);
    const { body: all, cut } = await readBodyHead(res, 3000);
    expect(cut).toBe(false);
    expect(all.length).toBe(3000);
  });
});
