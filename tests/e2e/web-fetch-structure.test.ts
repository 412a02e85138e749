// web_fetch keeps a page's block structure in its Markdown, through the real `moltbot skill run`
// against a local HTTP server: a list or heading in a table cell stays in the cell, <br> is a
// hard line break, blocks nested in a numbered item are indented by its marker's width, "&copy;"
// and "~~" written on a page stay literal, a news card's link survives, and task lists keep
// their checkboxes. Text format drops the Markdown but keeps the cell flattened.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { DEFAULT_POLICY_YAML } from "../../policy/index.ts";
import { ROOT, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
const audit = join(sb.dir, "audit.jsonl");
let policy: string;
let server: ReturnType<typeof Bun.serve>;
let base: string;

const PAGES: Record<string, string> = {
  "/order": "<html><body><table><tr><td>Item<ul><li>Socks</li><li>Hat</li></ul></td><td>Price</td></tr></table><h2>Total: 20 EUR</h2><p>Thanks</p></body></html>",
  "/lines": "<p>Line one<br>Line two<br>\nLine three</p>",
  "/nested": "<ol><li>First<ul><li>Sub A</li></ul></li><li>Second<p>para in item</p></li></ol>",
  "/literal": "<p>In HTML write &amp;copy; to get ©; use ~~tildes~~ for strike; ~/.bashrc stays</p>",
  "/card": '<div class="card"><a href="/story/1"><h3>Big story today</h3><p>Teaser text.</p></a></div>',
  "/tasks": '<ul class="contains-task-list"><li><input type="checkbox" checked disabled> Done thing</li><li><input type="checkbox" disabled> Todo thing</li></ul>',
};

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const page = PAGES[new URL(req.url).pathname];
      return page === undefined ? new Response("not here", { status: 404 }) : new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
  policy = sb.file("policy.yaml", DEFAULT_POLICY_YAML.replace("  web_fetch:\n", `  web_fetch:\n    allow: { net: ["127.0.0.1:${server.port}"] }\n`));
});
afterAll(() => {
  server.stop(true);
  sb.cleanup();
});

async function content(path: string, format?: string): Promise<string> {
  const params = format ? { url: base + path, format } : { url: base + path };
  const r = await sb.run(["skill", "run", join(ROOT, "skills/builtin/web_fetch"), "--params", JSON.stringify(params), "--policy", policy, "--audit", audit, "--json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout).output.content;
}

describe("web_fetch keeps the page's structure", () => {
  test("a list in a table cell stays in the cell; the heading after the table is a heading", async () => {
    expect(await content("/order")).toBe("| Item • Socks • Hat | Price |\n| --- | --- |\n\n## Total: 20 EUR\n\nThanks");
    expect(await content("/order", "text")).toBe("Item • Socks • Hat\tPrice\n\nTotal: 20 EUR\n\nThanks");
  });

  test("<br> is a hard line break in Markdown, a plain one in text", async () => {
    expect(await content("/lines")).toBe("Line one\\\nLine two\\\nLine three");
    expect(await content("/lines", "text")).toBe("Line one\nLine two\nLine three");
  });

  test("a list and a paragraph nested in a numbered item are indented under its text", async () => {
    expect(await content("/nested")).toBe("1. First\n   - Sub A\n2. Second\n\n   para in item");
  });

  test("'&copy;' and '~~' written on the page stay literal", async () => {
    expect(await content("/literal")).toBe("In HTML write \\&copy; to get ©; use \\~\\~tildes\\~\\~ for strike; ~/.bashrc stays");
  });

  test("a link around a heading and a teaser links the heading", async () => {
    expect(await content("/card")).toBe(`### [Big story today](${base}/story/1)\n\nTeaser text.`);
  });

  test("task lists keep their checkboxes", async () => {
    expect(await content("/tasks")).toBe("- [x] Done thing\n- [ ] Todo thing");
  });
});
