import { describe, expect, test } from "bun:test";
import { readSse, type SseEvent } from "./sse-stream.ts";

function body(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({ start(c) { for (const ch of chunks) c.enqueue(enc.encode(ch)); c.close(); } });
}
async function all(chunks: string[]): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of readSse(body(chunks))) out.push(e);
  return out;
}

describe("readSse", () => {
  test("signal-cli's frames: event name, data, keep-alive comments", async () => {
    expect(await all([":\n", "event:receive\ndata:{\"a\":1}\n\n", ":\n"])).toEqual([{ event: "receive", data: "{\"a\":1}" }]);
  });

  test("events split across chunks anywhere, CRLF and CR line endings, multi-line data", async () => {
    const text = "id: 7\r\nevent: receive\r\ndata: one\r\ndata: two\r\n\r\nevent:x\rdata:y\r\r";
    const chunks = text.split("");
    expect(await all(chunks)).toEqual([{ id: "7", event: "receive", data: "one\ntwo" }, { id: "7", event: "x", data: "y" }]);
  });

  test("a long data line arriving in many small chunks is one event", async () => {
    const data = "x".repeat(2 << 20);
    const chunks = ["event: receive\ndata: "];
    for (let i = 0; i < data.length; i += 1024) chunks.push(data.slice(i, i + 1024));
    chunks.push("\r", "\n\n");
    expect(await all(chunks)).toEqual([{ event: "receive", data }]);
  });

  test("an event without data is not dispatched; a torn last event is dropped", async () => {
    expect(await all(["event:receive\n\n", "data:whole\n\n", "data:torn"])).toEqual([{ event: "message", data: "whole" }]);
  });
});
