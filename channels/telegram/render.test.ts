import { describe, expect, test } from "bun:test";
import type { Block } from "../../runtime/contracts/channel.ts";
import { cutText, escapeHtml, renderChunks, renderHtml } from "./render.ts";

const para = (text: string): Block => ({ t: "para", children: [{ t: "text", text }] });

describe("renderHtml", () => {
  test.each([
    ["plain text escapes & < >", [para("a < b && c > d")], "a &lt; b &amp;&amp; c &gt; d"],
    ["heading is bold", [{ t: "heading", level: 1, children: [{ t: "text", text: "Title" }] }], "<b>Title</b>"],
    ["nested bold italic", [{ t: "para", children: [{ t: "bold", children: [{ t: "italic", children: [{ t: "text", text: "x" }] }] }] }], "<b><i>x</i></b>"],
    ["inline code escaped, not formatted", [{ t: "para", children: [{ t: "code", text: "<b>&" }] }], "<code>&lt;b&gt;&amp;</code>"],
    ["code block with language", [{ t: "code_block", lang: "py", text: "print(1<2)" }], '<pre><code class="language-py">print(1&lt;2)</code></pre>'],
    ["code block with a hostile language tag", [{ t: "code_block", lang: '"><script>', text: "x" }], "<pre>x</pre>"],
    ["unordered list as bullets", [{ t: "list", ordered: false, items: [[{ t: "text", text: "a" }], [{ t: "text", text: "b" }]] }], "• a\n• b"],
    ["ordered list numbered", [{ t: "list", ordered: true, items: [[{ t: "text", text: "a" }], [{ t: "text", text: "b" }]] }], "1. a\n2. b"],
    ["quote", [{ t: "quote", children: [{ t: "text", text: "q" }] }], "<blockquote>q</blockquote>"],
    ["link href quoted and escaped", [{ t: "para", children: [{ t: "link", href: 'https://x.org/?a="1"&b=2', children: [{ t: "text", text: "x" }] }] }], '<a href="https://x.org/?a=&quot;1&quot;&amp;b=2">x</a>'],
    ["javascript: link becomes its text", [{ t: "para", children: [{ t: "link", href: "javascript:alert(1)", children: [{ t: "text", text: "click" }] }] }], "click"],
    ["blocks separated by a blank line", [para("one"), para("two")], "one\n\ntwo"],
  ] as [string, Block[], string][])("%s", (_name, blocks, html) => {
    expect(renderHtml(blocks)).toBe(html);
  });

  test("escapeHtml leaves quotes in text alone (Telegram needs only & < > escaped there)", () => {
    expect(escapeHtml(`"it's" <ok>`)).toBe(`"it's" &lt;ok&gt;`);
  });
});

describe("renderChunks", () => {
  test("packs blocks into messages of at most `max` visible characters", () => {
    const blocks = Array.from({ length: 10 }, (_, i) => para(`${i}`.repeat(30)));
    const chunks = renderChunks(blocks, 100);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.replace(/<[^>]+>/g, "").length).toBeLessThanOrEqual(100);
    expect(chunks.join("\n\n")).toBe(renderHtml(blocks));
  });

  test("a code block longer than the limit becomes several code blocks cut at line ends", () => {
    const text = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    const chunks = renderChunks([{ t: "code_block", text }], 40);
    for (const c of chunks) expect(c).toMatch(/^<pre>[^<]*<\/pre>$/);
    expect(chunks.map((c) => c.slice(5, -6)).join("\n")).toBe(text);
  });
});

describe("cutText", () => {
  test("never splits a surrogate pair", () => {
    const parts = cutText("😀".repeat(10), 5, false);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(5);
    expect(parts.join("")).toBe("😀".repeat(10));
    expect(parts.every((p) => !/[\ud800-\udbff]$/.test(p))).toBe(true);
  });
});
