// Local web servers for the browser tests: a granted site and a second one the policy does not
// grant, each counting the requests it receives.
export interface Site {
  port: number;
  url: string;
  hits: string[];
  stop(): void;
}

export function startSite(pages: Record<string, string | (() => Response)>): Site {
  const hits: string[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const path = new URL(req.url).pathname;
      hits.push(path);
      const page = pages[path];
      if (page === undefined) return new Response("not found", { status: 404 });
      if (typeof page === "function") return page();
      return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
    },
  });
  return { port: server.port as number, url: `http://127.0.0.1:${server.port}`, hits, stop: () => server.stop(true) };
}

/** A port nothing listens on (bound, then released). */
export function closedPort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  const port = s.port as number;
  s.stop(true);
  return port;
}

export const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export const FORM_PAGE = `<!doctype html><title>Form</title>
<h1 id="greeting">Hello browser</h1>
<input id="name" value="">
<button id="go" onclick="document.getElementById('out').textContent = 'Hi ' + document.getElementById('name').value">Go</button>
<p id="out"></p>`;
