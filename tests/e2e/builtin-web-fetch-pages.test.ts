// web_fetch on pages that used to come out wrong, through the real `moltbot skill run` against
// a local HTTP server: a page over the fetch limit is cut with a note instead of failing, a
// UTF-16 label in <meta> reads as UTF-8 (as in a browser), <base href> moves relative links,
// Markdown written on a page stays text, and a cut never splits a character.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { DEFAULT_POLICY_YAML } from "../../policy/index.ts";
import { ROOT, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
const audit = join(sb.dir, "audit.jsonl");
const MiB = 1024 * 1024;
let policy: string;
let server: ReturnType<typeof Bun.serve>;
let base: string;

/** About `bytes` of paragraphs, streamed without a Content-Length; "é" keeps every chunk cut mid-character. */
function hugePage(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(`<p>${"lorem ipsum é ".repeat(4000)}</p>\n`);
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent === 0) c.enqueue(new TextEncoder().encode("<html><head><title>Huge</title></head><body>"));
      if (sent >= bytes) return c.close();
      c.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      const html = (body: string | ReadableStream<Uint8Array>) => new Response(body, { headers: { "content-type": "text/html" } });
      switch (path) {
        case "/huge": return html(hugePage(20 * MiB));
        case "/huge-file": return new Response(new Uint8Array(12 * MiB), { headers: { "content-type": "application/zip" } });
        case "/utf16-label": return html('<html><head><meta charset="utf-16"><title>T16</title></head><body><p>Hello ASCII page</p></body></html>');
        case "/base": return html('<html><head><base href="/deep/dir/"></head><body><a href="x.html">X</a> <img src="i.png" alt="I"></body></html>');
        case "/markdown-text": return html("<p>Click [here](http://evil.example/steal) please</p><p># not a heading</p><pre><code>a\n```\nb</code></pre>");
        case "/emoji": return html(`<p>${"😀".repeat(200)}</p>`);
        default: return new Response("not here", { status: 404 });
      }
    },
  });
  base = `http://127.0.0.1:${server.port}`;
  policy = sb.file("policy.yaml", DEFAULT_POLICY_YAML.replace("  web_fetch:\n", `  web_fetch:\n    allow: { net: ["127.0.0.1:${server.port}"] }\n`));
});
afterAll(() => {
  server.stop(true);
  sb.cleanup();
});

async function fetchPage(params: Record<string, unknown>) {
  const r = await sb.run(["skill", "run", join(ROOT, "skills/builtin/web_fetch"), "--params", JSON.stringify(params), "--policy", policy, "--audit", audit, "--json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout).output;
}

describe("web_fetch pages", () => {
  test("a 20 MiB page: its first 10 MiB are read and converted, and the summary says the page was cut", async () => {
    const o = await fetchPage({ url: `${base}/huge`, max_chars: 1000 });
    expect(o.title).toBe("Huge");
    expect(o.charset).toBe("utf-8"); // cut on a whole character, so it still reads as UTF-8
    expect(o.content).toStartWith("lorem ipsum é lorem ipsum é");
    expect(o.page_truncated).toEqual({ read_bytes: expect.any(Number), limit_bytes: 10 * MiB });
    expect(o.page_truncated.read_bytes).toBeGreaterThan(10 * MiB - 4);
    expect(o.summary).toContain("the page is larger than 10.0 MiB, so only its first 10.0 MiB were read");
    expect(o.summary).toContain("showing the first 1000 of");
  });

  test("a file over the limit is reported as too large to attach, not cut into a broken attachment", async () => {
    const o = await fetchPage({ url: `${base}/huge-file` });
    expect(o.attachments).toBeUndefined();
    expect(o.summary).toContain("application/zip file of more than 10.0 MiB, too large to attach");
  });

  test('<meta charset="utf-16"> on an ASCII page reads as UTF-8', async () => {
    const o = await fetchPage({ url: `${base}/utf16-label` });
    expect(o).toMatchObject({ charset: "utf-8", title: "T16", content: "Hello ASCII page" });
  });

  test("<base href> decides where relative links and images point", async () => {
    const o = await fetchPage({ url: `${base}/base` });
    expect(o.content).toBe(`[X](${base}/deep/dir/x.html) ![I](${base}/deep/dir/i.png)`);
  });

  test("Markdown written on the page stays text; code with a fence inside keeps its block", async () => {
    const o = await fetchPage({ url: `${base}/markdown-text` });
    expect(o.content).toBe("Click \\[here\\](http://evil.example/steal) please\n\n\\# not a heading\n\n````\na\n```\nb\n````");
  });

  test("max_chars never splits a character in two", async () => {
    const o = await fetchPage({ url: `${base}/emoji`, max_chars: 101 });
    expect(o.content).toBe("😀".repeat(50));
    expect(o.truncated).toEqual({ shown: 100, total: 400, unit: "chars" });
  });
});
