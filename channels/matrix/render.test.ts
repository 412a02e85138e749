import { describe, expect, test } from "bun:test";
import type { Block } from "../../runtime/contracts/channel.ts";
import { buttonHint, pickButtons, renderText } from "./render.ts";

const para = (text: string): Block => ({ t: "para", children: [{ t: "text", text }] });

describe("renderText", () => {
  test("plain text stays plain: no formatted_body", () => {
    expect(renderText({ text: "hi <there>" })).toEqual({ msgtype: "m.text", body: "hi <there>" });
  });

  test("HTML-looking text is escaped in formatted_body and literal in body", () => {
    const c = renderText({ text: "x", blocks: [para(`<script>alert("x")</script> & 'q'`)] });
    expect(c.format).toBe("org.matrix.custom.html");
    expect(c.formatted_body).toBe("<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;</p>");
    expect(c.body).toBe(`<script>alert("x")</script> & 'q'`);
  });

  test("every block kind renders to HTML and a readable plain body", () => {
    const blocks: Block[] = [
      { t: "heading", level: 2, children: [{ t: "text", text: "Title" }] },
      { t: "para", children: [{ t: "bold", children: [{ t: "text", text: "b" }] }, { t: "italic", children: [{ t: "text", text: "i" }] }, { t: "strike", children: [{ t: "text", text: "s" }] }, { t: "code", text: "a<b" }] },
      { t: "code_block", lang: "ts", text: "if (a < b) {}\n" },
      { t: "list", ordered: true, items: [[{ t: "text", text: "one" }], [{ t: "text", text: "two" }]] },
      { t: "list", ordered: false, items: [[{ t: "text", text: "dot" }]] },
      { t: "quote", children: [{ t: "text", text: "said" }] },
      { t: "para", children: [{ t: "link", href: "https://example.org/?a=1&b=2", children: [{ t: "text", text: "site" }] }] },
    ];
    const c = renderText({ text: "", blocks });
    expect(c.formatted_body).toBe(
      "<h2>Title</h2><p><strong>b</strong><em>i</em><del>s</del><code>a&lt;b</code></p>" +
      '<pre><code class="language-ts">if (a &lt; b) {}\n</code></pre><ol><li>one</li><li>two</li></ol><ul><li>dot</li></ul>' +
      '<blockquote>said</blockquote><p><a href="https://example.org/?a=1&amp;b=2">site</a></p>',
    );
    expect(c.body).toBe("Title\n\nbisa<b\n\nif (a < b) {}\n\n1. one\n2. two\n\n• dot\n\n> said\n\nsite (https://example.org/?a=1&b=2)");
  });

  test("a javascript: link is not made clickable", () => {
    const c = renderText({ text: "", blocks: [{ t: "para", children: [{ t: "link", href: "javascript:alert(1)", children: [{ t: "text", text: "x" }] }] }] });
    expect(c.formatted_body).not.toContain("<a");
    expect(c.formatted_body).toContain("javascript:alert(1)");
  });

  test("an odd code language cannot break out of the class attribute", () => {
    const c = renderText({ text: "", blocks: [{ t: "code_block", lang: 'x" onclick="y', text: "z" }] });
    expect(c.formatted_body).toBe("<pre><code>z</code></pre>");
  });
});

describe("buttons", () => {
  const approval = [{ id: "approve:a1", label: "Approve" }, { id: "deny:a1", label: "Deny" }];

  test("the hint offers reactions and the /approve reply", () => {
    expect(buttonHint(approval)).toBe("React 👍 Approve or 👎 Deny — or reply /approve a1 / /deny a1");
    const c = renderText({ text: "Approval needed", blocks: [para("Approval needed")], buttons: approval });
    expect(c.body).toEndWith("React 👍 Approve or 👎 Deny — or reply /approve a1 / /deny a1");
    expect(c.formatted_body).toContain("<p><em>React 👍 Approve or 👎 Deny");
  });

  test("commands the text already shows are not repeated", () => {
    expect(buttonHint(approval, "Reply /approve a1 or /deny a1.")).toBe("React 👍 Approve or 👎 Deny");
  });

  test("👍/👎 find the approve/deny buttons whatever their order, else the first two", () => {
    expect(pickButtons([approval[1]!, approval[0]!]).map((b) => b?.id)).toEqual(["approve:a1", "deny:a1"]);
    expect(pickButtons([{ id: "x", label: "Red" }, { id: "y", label: "Blue" }]).map((b) => b?.id)).toEqual(["x", "y"]);
    expect(pickButtons([{ id: "x", label: "Only" }]).map((b) => b?.id)).toEqual(["x", undefined]);
  });
});
