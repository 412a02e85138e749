// WhatsApp's media CDN, locally: baileys uploads the encrypted file it built (via the socket's
// `upload` function) and downloads by URL, decrypting with the message's media key.
import { readFile } from "node:fs/promises";

export interface MediaServer {
  url: string;
  /** baileys' WAMediaUploadFunction: keeps the encrypted bytes, returns where to fetch them. */
  upload(encFilePath: string, opts: { fileEncSha256B64: string; mediaType: string }): Promise<{ mediaUrl: string; directPath: string }>;
  /** Serves fixed bytes at a path (an inbound fixture's encrypted image). */
  put(path: string, bytes: Uint8Array): void;
  /** Paths requested so far. */
  readonly requests: string[];
  failNext(status: number): void;
  stop(): Promise<void>;
}

export function startMediaServer(): MediaServer {
  const blobs = new Map<string, Uint8Array>();
  const requests: string[] = [];
  let failures: number[] = [];
  let n = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      requests.push(path);
      const status = failures.shift();
      if (status) return new Response("fail", { status });
      const body = blobs.get(path);
      return body ? new Response(body, { headers: { "content-type": "application/octet-stream" } }) : new Response("not found", { status: 404 });
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    requests,
    async upload(encFilePath, opts) {
      const path = `/mms/${opts.mediaType}/${++n}`;
      blobs.set(path, new Uint8Array(await readFile(encFilePath)));
      // No directPath: baileys would then build an https URL to the real CDN host.
      return { mediaUrl: `${url}${path}`, directPath: undefined as unknown as string };
    },
    put(path, bytes) {
      blobs.set(path, bytes);
    },
    failNext(status) {
      failures.push(status);
    },
    async stop() {
      failures = [];
      await server.stop(true);
    },
  };
}
