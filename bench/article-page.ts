// The article page the web benchmarks fetch and convert: about 8.5 KB of typical markup
// (navigation, script, 60 paragraphs with links and entities, a list, a table).
const para = `<p>Some <a href="/wiki/x">linked</a> text with <em>emphasis</em> &amp; an entity, long enough to be a real paragraph of prose.</p>`;
export const ARTICLE_PAGE = `<!doctype html><html><head><title>Article</title><script>var x = 1;</script></head><body><nav><a href="/">Home</a></nav>
<h1>Title</h1>${para.repeat(60)}<ul>${"<li>item</li>".repeat(20)}</ul><table>${"<tr><td>a</td><td>b</td></tr>".repeat(10)}</table><footer>f</footer></body></html>`;

export const servePage = (): Response => new Response(ARTICLE_PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });

// `bun bench/article-page.ts`: serves the page on 127.0.0.1 from a process of its own (as a web
// server is) and prints its port; it exits when its standard input closes.
if (import.meta.main) {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: servePage });
  console.log(server.port);
  for await (const _ of Bun.stdin.stream()) {
    // nothing is sent; the loop ends when the parent goes away
  }
  server.stop(true);
  process.exit(0);
}
