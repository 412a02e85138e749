import { describe, expect, test } from "bun:test";
import { parseMarkdown } from "./markdown.ts";
import { MAX_INLINE_DEPTH, parseInline } from "./inline.ts";
import { markdownText, plainText } from "./render.ts";

describe("parseMarkdown", () => {
  test("paragraphs, headings, lists, quotes and fenced code with a language", () => {
    const blocks = parseMarkdown("# Title\n\nSome **bold** text\nnext line\n\n- one\n- two\n\n1. first\n2) second\n\n> quoted\n> more\n\n```ts\nconst x = 1;\n```");
    expect(blocks).toEqual([
      { t: "heading", level: 1, children: [{ t: "text", text: "Title" }] },
      { t: "para", children: [{ t: "text", text: "Some " }, { t: "bold", children: [{ t: "text", text: "bold" }] }, { t: "text", text: " text\nnext line" }] },
      { t: "list", ordered: false, items: [[{ t: "text", text: "one" }], [{ t: "text", text: "two" }]] },
      { t: "list", ordered: true, items: [[{ t: "text", text: "first" }], [{ t: "text", text: "second" }]] },
      { t: "quote", children: [{ t: "text", text: "quoted\nmore" }] },
      { t: "code_block", lang: "ts", text: "const x = 1;" },
    ]);
  });

  test("an unclosed fence runs to the end and keeps Markdown inside as text", () => {
    const blocks = parseMarkdown("before\n```python\nprint('**not bold**')\n# not a heading");
    expect(blocks[1]).toEqual({ t: "code_block", lang: "python", text: "print('**not bold**')\n# not a heading" });
  });

  test("a longer fence is closed only by one at least as long", () => {
    expect(parseMarkdown("````\n```\ninner\n```\n````")).toEqual([{ t: "code_block", text: "```\ninner\n```" }]);
  });

  test("HTML and entities stay literal text", () => {
    const blocks = parseMarkdown("<b>x</b> & &amp; <script>alert(1)</script>");
    expect(blocks).toEqual([{ t: "para", children: [{ t: "text", text: "<b>x</b> & &amp; <script>alert(1)</script>" }] }]);
  });

  test("list items continue on indented lines", () => {
    expect(parseMarkdown("- a\n  still a\n- b")).toEqual([{ t: "list", ordered: false, items: [[{ t: "text", text: "a\nstill a" }], [{ t: "text", text: "b" }]] }]);
  });

  test("headings: closing #s go only after a space; fences: the language word, no backticks after", () => {
    const headings = parseMarkdown("# foo ##\n\n## foo#\n\n### ###\n\n#nope\n\n####### seven").map((b) => b.t === "heading" ? [b.level, b.children] : b.t);
    expect(headings).toEqual([[1, [{ t: "text", text: "foo" }]], [2, [{ t: "text", text: "foo#" }]], [3, []], "para", "para"]);
    expect(parseMarkdown("```  ts extra\nx\n```")).toEqual([{ t: "code_block", lang: "ts", text: "x" }]);
    expect(parseMarkdown("``` a`b")).toEqual([{ t: "para", children: [{ t: "text", text: "``` a`b" }] }]);
  });

  // A model can be led (by a web page it read) to write such lines; they must come out as the
  // text they are, in one pass.
  test("long lines of spaces after a heading or fence marker are read as text", () => {
    expect(parseMarkdown("# a" + " ".repeat(20000) + "b")).toEqual([{ t: "heading", level: 1, children: [{ t: "text", text: "a" + " ".repeat(20000) + "b" }] }]);
    expect(parseMarkdown("```" + " ".repeat(20000) + "x`")).toEqual([{ t: "para", children: [{ t: "text", text: "```" + " ".repeat(20000) + "x`" }] }]);
    // U+2028 is a character like any other inside a list item or quote.
    expect(parseMarkdown("- " + " ".repeat(20000) + "a\u2028b")).toEqual([{ t: "list", ordered: false, items: [[{ t: "text", text: "a\u2028b" }]] }]);
    expect(parseMarkdown("1. a\u2028b\n> q\u2028r")).toEqual([
      { t: "list", ordered: true, items: [[{ t: "text", text: "a\u2028b" }]] },
      { t: "quote", children: [{ t: "text", text: "q\u2028r" }] },
    ]);
  });

  test("round trip: the Markdown rendering parses back to the same blocks", () => {
    const src = "## Plan\n\nUse `a*b` and **bold _it_** or ~~old~~ [docs](https://x.org/a_b).\n\n- x_y\n- *z*\n\n```sh\nls *.md\n```";
    const blocks = parseMarkdown(src);
    expect(parseMarkdown(markdownText(blocks))).toEqual(blocks);
    expect(plainText(blocks)).toContain("Use a*b and bold it or old docs.");
  });
});

describe("parseInline", () => {
  test("nested emphasis", () => {
    expect(parseInline("**bold *it* bold**")).toEqual([{ t: "bold", children: [{ t: "text", text: "bold " }, { t: "italic", children: [{ t: "text", text: "it" }] }, { t: "text", text: " bold" }] }]);
    expect(parseInline("*it **b** it*")).toEqual([{ t: "italic", children: [{ t: "text", text: "it " }, { t: "bold", children: [{ t: "text", text: "b" }] }, { t: "text", text: " it" }] }]);
    expect(parseInline("***both***")).toEqual([{ t: "bold", children: [{ t: "italic", children: [{ t: "text", text: "both" }] }] }]);
  });

  test("unclosed or spaced delimiters stay text", () => {
    expect(parseInline("**never closed")).toEqual([{ t: "text", text: "**never closed" }]);
    expect(parseInline("2 * 3 * 4")).toEqual([{ t: "text", text: "2 * 3 * 4" }]);
    expect(parseInline("`open code")).toEqual([{ t: "text", text: "`open code" }]);
    expect(parseInline("snake_case_name")).toEqual([{ t: "text", text: "snake_case_name" }]);
  });

  test("code spans keep their content literally, even delimiters and <tags>", () => {
    expect(parseInline("run `rm -rf **x** <y> & z`")).toEqual([{ t: "text", text: "run " }, { t: "code", text: "rm -rf **x** <y> & z" }]);
    expect(parseInline("``a ` b``")).toEqual([{ t: "code", text: "a ` b" }]);
  });

  test("links: only http(s) and mailto become links; others stay text", () => {
    expect(parseInline("[site](https://example.org/?a=1&b=<2>)")).toEqual([{ t: "link", href: "https://example.org/?a=1&b=<2>", children: [{ t: "text", text: "site" }] }]);
    expect(parseInline("[x](javascript:alert(1))")).toEqual([{ t: "text", text: "[x](javascript:alert(1))" }]);
  });

  test("long runs of unclosed delimiters stay text", () => {
    for (const unit of ["*", "_", "~~a ", "**a ", "[", "[a](", "`"]) {
      const src = unit.repeat(Math.ceil(20000 / unit.length));
      expect(parseInline(src)).toEqual([{ t: "text", text: src }]);
    }
  });

  test("links and emphasis nested deeper than MAX_INLINE_DEPTH are left as text", () => {
    const n = 2000;
    const src = "[".repeat(n) + "x" + "](https://a.example)".repeat(n);
    let depth = 0;
    let node = parseInline(src)[0];
    while (node?.t === "link") {
      depth++;
      node = node.children[0];
    }
    expect(depth).toBe(MAX_INLINE_DEPTH + 1);
    // The rest is kept, literally.
    expect(node).toEqual({ t: "text", text: "[".repeat(n - depth) + "x" + "](https://a.example)".repeat(n - depth) });
    expect(parseInline("**a *b ~~c~~ b* a**")).toEqual([{ t: "bold", children: [{ t: "text", text: "a " },
      { t: "italic", children: [{ t: "text", text: "b " }, { t: "strike", children: [{ t: "text", text: "c" }] }, { t: "text", text: " b" }] }, { t: "text", text: " a" }] }]);
  });

  test("backslash escapes", () => {
    expect(parseInline("\\*not italic\\*")).toEqual([{ t: "text", text: "*not italic*" }]);
  });
});
