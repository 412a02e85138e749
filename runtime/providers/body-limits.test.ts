import { expect, test } from "bun:test";
import { readCapped, wholeLines } from "./body-limits.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function source(chunks: Uint8Array[], onCancel = () => {}): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) { if (i < chunks.length) c.enqueue(chunks[i++]!); else c.close(); },
    cancel: onCancel,
  });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

/** `text` cut into pieces of the given sizes, cycling. */
function cut(text: string, sizes: number[]): Uint8Array[] {
  const bytes = enc.encode(text);
  const out: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

const tooLong = () => new Error("line too long");
const lines = (max: number) => wholeLines(max, { onChunk: () => {}, tooLong });

test("passes every byte on, in pieces that end at a line end (\\n, \\r\\n or \\r)", async () => {
  const text = "data: {\"a\":1}\n\n" + "ä€😀 line\r\n" + "cr only\r" + "x".repeat(40) + "\n" + "no end at all";
  for (const sizes of [[1], [2, 3], [7], [64], [1000]]) {
    const out = await readAll(source(cut(text, sizes)).pipeThrough(lines(100)));
    expect(dec.decode(Buffer.concat(out))).toBe(text);
    for (const piece of out.slice(0, -1)) expect([0x0a, 0x0d]).toContain(piece.at(-1)!);
    expect(dec.decode(out.at(-1)!)).toEndWith("no end at all");
  }
});

test("a line of exactly the cap passes; one byte more errors the stream, within a chunk or across chunks", async () => {
  expect(dec.decode(Buffer.concat(await readAll(source(cut(`${"x".repeat(10)}\nok\n`, [64])).pipeThrough(lines(10)))))).toBe(`${"x".repeat(10)}\nok\n`);
  for (const sizes of [[64], [3], [1]]) {
    await expect(readAll(source(cut(`ok\n${"x".repeat(11)}\nmore\n`, sizes)).pipeThrough(lines(10)))).rejects.toThrow("line too long");
    // A line that never ends errors as soon as it is over the cap.
    await expect(readAll(source(cut(`ok\n${"x".repeat(11)}`, sizes)).pipeThrough(lines(10)))).rejects.toThrow("line too long");
  }
});

test("readCapped keeps at most the cap and cancels the rest of the body", async () => {
  let cancelled = false;
  const chunks = Array.from({ length: 100 }, () => enc.encode("A".repeat(1000)));
  const got = await readCapped(source(chunks, () => { cancelled = true; }), 2500);
  expect(got.length).toBe(2500);
  expect(cancelled).toBe(true);
  expect(dec.decode(await readCapped(source([enc.encode("short")]), 2500))).toBe("short");
});
