// downloadMedia against a local server standing in for a homeserver that misbehaves.
import { afterAll, describe, expect, test } from "bun:test";
import type { MatrixClient } from "matrix-js-sdk";
import { downloadMedia } from "./media.ts";

let sent = 0;
let cancelled = false;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    if (!req.url.includes("/endless")) return new Response(new Uint8Array([1, 2, 3]));
    // No content-length: a body that never ends, as fast as it is read.
    const chunk = new Uint8Array(64 * 1024);
    return new Response(new ReadableStream({
      pull(c) {
        sent += chunk.length;
        c.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    }));
  },
});
afterAll(() => server.stop(true));

const client = { baseUrl: `http://127.0.0.1:${server.port}`, getAccessToken: () => "tok" } as unknown as MatrixClient;

describe("downloadMedia", () => {
  test("a body sent without a length is cut off at 20 MiB, not held whole", async () => {
    await expect(downloadMedia(client, "mxc://example.org/endless")).rejects.toThrow("media is more than 20971520 bytes");
    for (let i = 0; i < 100 && !cancelled; i++) await Bun.sleep(10);
    expect(cancelled).toBe(true);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(await downloadMedia(client, "mxc://example.org/small")).toEqual(new Uint8Array([1, 2, 3]));
  });
});
