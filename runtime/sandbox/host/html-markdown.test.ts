// html.toMarkdown's converter: the Markdown web_fetch has always produced (the pages of the
// web_fetch end-to-end tests, and each construct alone), plain-text mode, and hostile input —
// unterminated markup, tag soup, deep nesting and huge attributes give the output asserted here
// (linear-time scanning; no timings are asserted).
import { describe, expect, test } from "bun:test";
import { decodeEntities } from "./html-entities.ts";
import { htmlToMarkdown, MAX_INPUT_CHARS, MAX_LINK_NESTING, MAX_NESTING } from "./html-markdown.ts";
import { MENU_PAGE as PAGE, menuMarkdown } from "../../../tests/helpers/menu-page.ts";

const md = (html: string, baseUrl?: string) => htmlToMarkdown(html, { baseUrl }).markdown;
const txt = (html: string, baseUrl?: string) => htmlToMarkdown(html, { baseUrl, text: true }).markdown;

describe("the pages of the web_fetch tests", () => {
  const base = "http://127.0.0.1:8080";

  test("headings, links made absolute, lists, code, quotes, tables; no script, nav or footer", () => {
    expect(htmlToMarkdown(PAGE, { baseUrl: `${base}/food/menu.html` })).toEqual({ title: "Café & Co", markdown: menuMarkdown(base) });
  });

  test("text mode drops the Markdown syntax", () => {
    expect(txt(PAGE, `${base}/food/menu.html`)).toBe(
      'Menu of the day\n\nOur wine list and espresso().\nOpen daily.\n\n- Soup\n- Bread\n  1. white\n  2. rye\n\necho "1 < 2"\n  done\n\nBest in town\n\nDish\tPrice\nSoup\t5 €',
    );
  });

  test("the release notes of the seed example", () => {
    const page = "<html><head><title>Release notes</title></head><body><h1>Version 2</h1><p>Faster <b>startup</b> and a new camera skill.</p></body></html>";
    expect(htmlToMarkdown(page)).toEqual({ title: "Release notes", markdown: "# Version 2\n\nFaster **startup** and a new camera skill." });
  });

  test("charset tests' pages: entities and text outside any paragraph", () => {
    expect(md("<p>Cr\u00e8me br\u00fbl\u00e9e \u20ac 5</p>")).toBe("Crème brûlée € 5");
    expect(md('<html><head><meta charset="iso-8859-1"></head><body><p>Smørrebrød</p></body></html>')).toBe("Smørrebrød");
    expect(md(`<p>${"word ".repeat(40_000)}</p>`)).toHaveLength(199_999);
  });
});

describe("each construct", () => {
  test("headings h1–h6; plain lines in text mode", () => {
    expect(md("<h1>A</h1><h2>B</h2><h3>C</h3><h4>D</h4><h5>E</h5><h6>F</h6><p>x</p>")).toBe("# A\n\n## B\n\n### C\n\n#### D\n\n##### E\n\n###### F\n\nx");
    expect(txt("<h1>A</h1><h2>B</h2><p>x</p>")).toBe("A\n\nB\n\nx");
  });

  test("paragraphs: whitespace collapsed, no-break spaces kept as spaces, <br> a hard line break (a plain one in text)", () => {
    expect(md("<p>  many   spaces\n\tand\ttabs </p><p>nb&nbsp;sp&nbsp; </p><div>a<br>b<br/> c </div>")).toBe("many spaces and tabs\n\nnb sp\n\na\\\nb\\\nc");
    expect(txt("<div>a<br>b<br/> c </div>")).toBe("a\nb\nc");
  });

  test("links: resolved against the base URL; fragments, javascript: and empty labels stay text", () => {
    const html = `<a href="../x/y.html">up</a> <a href="./z">dot</a> <a href="?q=2">query</a> <a href="#top">frag</a>
      <a href="//cdn.example/a">proto</a> <a href="https://other.example/">abs</a> <a href="javascript:alert(1)">js</a>
      <a>none</a> <a href="/root"> </a> <a href="/a/./b/../c">norm</a> <a href="">self</a>`;
    expect(md(html, "https://example.com/dir/sub/page.html?x=1#h")).toBe(
      "[up](https://example.com/dir/x/y.html) [dot](https://example.com/dir/sub/z) [query](https://example.com/dir/sub/page.html?q=2) frag [proto](https://cdn.example/a) [abs](https://other.example/) js none [norm](https://example.com/a/c) self",
    );
  });

  test("links without a base URL are kept as written", () => {
    expect(md(`<a href="../x">up</a> <a href=" q ">rel</a>`)).toBe("[up](../x) [rel](q)");
  });

  test("lists: nesting, an ordered list's start, menu, an item outside any list", () => {
    expect(md(`<ol start="3"><li>three</li><li>four<ul><li>sub</li><li>sub2<ol><li>deep</li></ol></li></ul></li></ol><menu><li>m</li></menu><li>stray</li>`))
      .toBe("3. three\n4. four\n   - sub\n   - sub2\n     1. deep\n\n- m\n- stray");
  });

  test("code: inline, and blocks with their language; entities decoded, trailing space trimmed", () => {
    expect(md('<p>run <code>x()</code></p><pre><code class="lang-py">\nif a &lt; b:\n    pass   \n\n</code></pre><pre>plain</pre>'))
      .toBe("run `x()`\n\n```py\nif a < b:\n    pass\n```\n\n```\nplain\n```");
    expect(md('<pre><code class="x language-c++">int a;</code></pre>')).toBe("```c++\nint a;\n```");
    expect(txt('<pre><code class="language-c++">int a;</code></pre>')).toBe("int a;");
  });

  test("blockquotes, nested; no markers in text mode", () => {
    expect(md("<blockquote><p>one</p><blockquote>two<br>lines</blockquote></blockquote><p>after</p>")).toBe("> one\n\n> > two\\\n> > lines\n\nafter");
    expect(txt("<blockquote><p>one</p></blockquote>")).toBe("one");
  });

  test("tables: header rule, short rows padded, '|' escaped, a nested table flattened into its cell", () => {
    expect(md("<table><tr><th>A</th><th>B|C</th></tr><tr><td>1</td></tr><tr><td>x<table><tr><td>in</td><td>ner</td></tr></table></td><td>3</td><td>4</td></tr></table>"))
      .toBe("| A | B\\|C |  |\n| --- | --- | --- |\n| 1 |  |  |\n| x in ner | 3 | 4 |");
    expect(txt("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>")).toBe("A\tB\n1\t2");
  });

  test("images with alt text; without it they are dropped", () => {
    expect(md('<p><img src="/i.png" alt=" A  cat "> <img src="x.png"> <img alt="" src=y></p>', "https://e.com/p/")).toBe("![A cat](https://e.com/i.png)");
    expect(txt('<p><img src="/i.png" alt="A cat"></p>', "https://e.com/p/")).toBe("A cat");
  });

  test("horizontal rules", () => {
    expect(md("<p>a</p><hr><p>b</p>")).toBe("a\n\n---\n\nb");
    expect(txt("<p>a</p><hr><p>b</p>")).toBe("a\n\n\n\nb");
  });

  test("emphasis and inline code only in Markdown", () => {
    expect(txt("<p><strong>b</strong> <b>b2</b> <em>e</em> <i>i</i> <code>c</code> <a href=x>l</a></p>", "https://e.com/")).toBe("b b2 e i c l");
    expect(md("<p><strong>b</strong> <em>e</em></p>")).toBe("**b** *e*");
  });

  test("dropped elements, nested ones counted; a self-closing one drops nothing", () => {
    expect(md("<nav>n<nav>inner</nav>still nav</nav><footer>f</footer><form><button>b</button>x</form><svg><text>s</text></svg><p>kept</p><nav/><p>after empty nav</p><iframe src=x></iframe><noscript>ns</noscript>"))
      .toBe("kept\n\nafter empty nav");
  });

  test("the head is dropped even when </head> is missing", () => {
    expect(htmlToMarkdown("<html><head><title>T</title><meta charset=utf-8><body><p>no head close</p></body></html>")).toEqual({ title: "T", markdown: "no head close" });
  });

  test("raw-text elements: no tags inside; textarea and xmp shown as text (tags in it escaped)", () => {
    const html = '<script>if (a<b) document.write("<p>x</p>")</SCRIPT ><p>after</p><style>p{}</style><textarea>raw <b>t</b> &amp;</textarea><xmp><i>x</i></xmp>';
    expect(md(html)).toBe("after\n\nraw \\<b>t\\</b> &\\<i>x\\</i>");
    expect(txt(html)).toBe("after\n\nraw <b>t</b> &<i>x</i>");
  });

  test("the title is the first non-empty <title>, entities decoded", () => {
    expect(htmlToMarkdown("<title> </title><title>Second &amp; more</title><p>x</p>")).toEqual({ title: "Second & more", markdown: "x" });
  });

  test("comments, doctypes and processing instructions vanish", () => {
    expect(md('<p>a</p><!-- comment <p>hidden</p> --><!doctype html><?xml version="1.0"?><p>b</p>')).toBe("a\n\nb");
  });

  test("a '<' that starts no markup is text", () => {
    expect(md("a < b and c<3 and </ x> <>")).toBe("a < b and c<3 and </ x> <>");
  });

  test("attributes: quotes respected, names matched only as attributes", () => {
    const base = "https://e.com/";
    expect(md("<p><a title=\"a > b\" href='/x'>q</a></p>", base)).toBe("[q](https://e.com/x)");
    expect(md('<p><a title="see href=/wrong" href="/right">q</a></p>', base)).toBe("[q](https://e.com/right)");
    expect(md('<p><a title="x"href="/y">q</a></p>', base)).toBe("[q](https://e.com/y)");
    expect(md('<p><A HREF="/up">q</A></p>', base)).toBe("[q](https://e.com/up)");
    // A quote inside an unquoted value is part of it, as in a browser: the page goes on.
    expect(md("<p><img alt=Don't src=x.png> more</p><p>rest</p>", base)).toBe("![Don't](https://e.com/x.png) more\n\nrest");
  });

  test("a length-changing lower case (İ) before a script does not shift the end tag", () => {
    expect(md('<p>İ</p><script>var s = "<p>no</p>";</script><p>yes</p>')).toBe("İ\n\nyes");
  });
});

describe("the page's text stays text, and our syntax stays well formed", () => {
  const base = "http://127.0.0.1:8080/dir/page.html";

  test("Markdown written on a page is escaped: no links, headings, lists, quotes or HTML of its own", () => {
    const html = "<p>Click [here](http://evil.example/steal) please</p><p># not a heading</p><p>1. not a list</p><p>- nor this</p>" +
      "<p>&gt; nor a quote</p><p>&lt;img src=x onerror=alert(1)&gt;</p><p>*stars* and `ticks` and \\ but snake_case_name and 1 < 2</p>";
    expect(md(html)).toBe(
      "Click \\[here\\](http://evil.example/steal) please\n\n\\# not a heading\n\n1\\. not a list\n\n\\- nor this\n\n" +
      "\\> nor a quote\n\n\\<img src=x onerror=alert(1)>\n\n\\*stars\\* and \\`ticks\\` and \\\\ but snake_case_name and 1 < 2",
    );
    // Plain text is not escaped; a line after <br> is escaped like the first.
    expect(txt("<p># a [b](c)</p>")).toBe("# a [b](c)");
    expect(md("<p>a<br># b</p>")).toBe("a\\\n\\# b");
  });

  test("link and image targets: spaces, parentheses and angle brackets percent-encoded; labels escaped", () => {
    expect(md('<a href="/x y(1)">space</a> <a href="/z">[b]</a> <img src="/i (2).png" alt="a]b">', base))
      .toBe("[space](http://127.0.0.1:8080/x%20y%281%29) [\\[b\\]](http://127.0.0.1:8080/z) ![a\\]b](http://127.0.0.1:8080/i%20%282%29.png)");
  });

  test("<base href> in the head (or body) decides where relative links point; only the first counts", () => {
    const html = '<html><head><base href="http://127.0.0.1:8080/deep/dir/"><base href="http://other.example/"></head><body><a href="x.html">X</a> <img src="i.png" alt="I"></body></html>';
    expect(md(html, base)).toBe("[X](http://127.0.0.1:8080/deep/dir/x.html) ![I](http://127.0.0.1:8080/deep/dir/i.png)");
    expect(md('<base href="../up/"><a href="x">x</a>', base)).toBe("[x](http://127.0.0.1:8080/up/x)");
    // A base that is no http(s) URL is ignored.
    expect(md('<base href="javascript:alert(1)//"><a href="x">x</a>', base)).toBe("[x](http://127.0.0.1:8080/dir/x)");
  });

  test("code containing backticks: a longer fence, a longer inline marker", () => {
    expect(md("<pre><code>before\n```\nnot closed\n```\nafter</code></pre><p>Inline <code>a`b</code> and <code>`x</code> end</p>"))
      .toBe("````\nbefore\n```\nnot closed\n```\nafter\n````\n\nInline ``a`b`` and `` `x `` end");
    expect(md("<p><code>a*b_c[d]</code></p>")).toBe("`a*b_c[d]`");
  });

  test("emphasis hugs its text; empty emphasis leaves nothing; spans left open end with the paragraph", () => {
    expect(md("<p>Price:<b> $5 </b>today <strong></strong>empty <i> x</i>.</p>")).toBe("Price: **$5** today empty *x*.");
    expect(md("<p><b>a<i>b</b> c</p>")).toBe("**a*b*** c");
    expect(md("<b><p>one</p><p>two</p></b>")).toBe("**one**\n\n**two**");
    expect(md('<p><a href="/l"><b>bold link</a> after</b></p>', base)).toBe("[**bold link**](http://127.0.0.1:8080/l) after");
    expect(md("<pre><b>x</b></pre>")).toBe("```\nx\n```");
  });

  test("an image without src uses its srcset, or its alt text alone", () => {
    expect(md('<img srcset="/x1.png 1x, /x2.png 2x" alt="set"> <img alt="none"> <img src="" alt="empty">', base))
      .toBe("![set](http://127.0.0.1:8080/x1.png) none empty");
  });

  test("a table's caption (and stray text outside its cells) comes before the table", () => {
    expect(md("<table><caption>Prices</caption><tr><th>H1</th><th>H2</th></tr><tr><td>a</td><td>b</td></tr></table>"))
      .toBe("Prices\n\n| H1 | H2 |\n| --- | --- |\n| a | b |");
    expect(txt("<table><tr><th>Name</th><th>Price | USD</th></tr></table>")).toBe("Name\tPrice | USD");
  });
});

describe("block structure survives rendering", () => {
  const base = "https://news.example/front/";

  test("a list or heading in a table cell flattens into the cell and nothing leaks past the table", () => {
    expect(md("<table><tr><td>cell<ul><li>x</li><li>y</li></ul></td></tr></table><h2>After table</h2><p>Para after.</p>"))
      .toBe("| cell • x • y |\n| --- |\n\n## After table\n\nPara after.");
    expect(md("<table><tr><th><h3>Plan</h3></th></tr><tr><td>x</td></tr></table><p>Para after.</p>")).toBe("| Plan |\n| --- |\n| x |\n\nPara after.");
    // An order email read as text: the items stay in their cell, the total is a plain line.
    expect(txt("<table><tr><td>Item<ul><li>Socks</li><li>Hat</li></ul></td><td>Price</td></tr></table><h2>Total: 20 EUR</h2>"))
      .toBe("Item • Socks • Hat\tPrice\n\nTotal: 20 EUR");
    // A list, quote or empty item left open in a cell ends with the cell; code there is inline.
    expect(md("<table><tr><td><ul><li>a<ul><li></td><td><blockquote>b</td><td><pre>x\n  y</pre></td></tr></table><p>after</p><ul><li>c</li></ul>"))
      .toBe("| a | b | `x y` |\n| --- | --- | --- |\n\nafter\n\n- c");
    // A table inside a list item stays in the item.
    expect(md("<ol><li>x<table><tr><td>a</td></tr></table></li><li>y</li></ol>")).toBe("1. x\n\n   | a |\n   | --- |\n\n2. y");
  });

  test("<br> in a list item or quote keeps the item's indentation; in a heading it is a space", () => {
    expect(md("<ul><li>x<br>y</li></ul><ol><li>a<br>b</li></ol>")).toBe("- x\\\n  y\n\n1. a\\\n   b");
    expect(md("<blockquote>q<br>r</blockquote>")).toBe("> q\\\n> r");
    expect(md("<h2>a<br>b</h2><p>one<br><br>two<br></p>")).toBe("## a b\n\none\n\ntwo");
    expect(txt("<ul><li>x<br>y</li></ul>")).toBe("- x\n  y");
  });

  test("nested blocks are indented by their item's marker width; a <p> in an item stays in it", () => {
    expect(md("<ol><li>First<ul><li>Sub A</li><li>Sub B<ol><li>deep 1</li></ol></li></ul></li><li>Second<p>para in item</p></li></ol>"))
      .toBe("1. First\n   - Sub A\n   - Sub B\n     1. deep 1\n2. Second\n\n   para in item");
    expect(md('<ol start="10"><li>ten<ul><li>s</li></ul><pre>code\n  more</pre></li><li>eleven</li></ol>'))
      .toBe("10. ten\n    - s\n\n    ```\n    code\n      more\n    ```\n\n11. eleven");
    // An ordered list from 3 cannot interrupt a paragraph, nor a list follow another on the next line.
    expect(md('<ul><li>a<ol start="3"><li>b</li></ol></li></ul><ul><li>c</li></ul><ol><li>d</li></ol>')).toBe("- a\n\n  3. b\n\n- c\n\n1. d");
    expect(md("<ul><li><ul><li>a</li><li>b</li></ul></li><li>c</li></ul>")).toBe("- - a\n  - b\n- c");
    // An empty item's marker or an empty heading's "##" does not land on the next paragraph.
    expect(md("<ul><li></li></ul><p>after</p><h2></h2><p>x</p>")).toBe("after\n\nx");
    expect(md('<ol start="x"><li>a</li></ol><ol start="99999999999"><li>b</li></ol>')).toBe("1. a\n\n999999999. b");
  });

  test("'&' before a character reference and '~' that could strike through stay literal", () => {
    expect(md("<p>write &amp;copy; to get ©, &amp;#169; or &amp;#xA9; too; &amp; alone, &amp;x and AT&amp;T stay</p>"))
      .toBe("write \\&copy; to get ©, \\&#169; or \\&#xA9; too; & alone, &x and AT&T stay");
    expect(md("<p>use ~~tildes~~ or ~one~ for strike; ~/.bashrc, ~user and snake_case_name stay</p>"))
      .toBe("use \\~\\~tildes\\~\\~ or ~one\\~ for strike; ~/.bashrc, ~user and snake_case_name stay");
    expect(md('<a href="/q?a=1&amp;copy;=2">l</a>', base)).toBe("[l](https://news.example/q?a=1\\&copy;=2)");
    expect(txt("<p>&amp;copy; ~~x~~</p>")).toBe("&copy; ~~x~~");
  });

  test("a link around blocks links its first block's text", () => {
    expect(md('<div class="card"><a href="/story/1"><h3>Big story today</h3><p>Teaser text.</p></a></div><p>next</p>', base))
      .toBe("### [Big story today](https://news.example/story/1)\n\nTeaser text.\n\nnext");
    expect(md('<a href="/s"><div><b>one</b></div><div>two</div></a> <a href="/t">plain</a>', base))
      .toBe("[**one**](https://news.example/s)\n\ntwo\n\n[plain](https://news.example/t)");
    expect(md('<p><b>bold <a href="/z">in <i>it</i><p>next</p> more</a> tail</b></p>', base)).toBe("**bold [in *it*](https://news.example/z)**\n\n**next**\n\n**more tail**");
    expect(md('<a href="#top"><h3>T</h3></a>')).toBe("### T");
  });

  test("task lists: a checkbox opening an item", () => {
    const html = '<ul><li> <input type="checkbox" checked disabled> Done thing</li><li><input type=checkbox disabled> Todo thing</li><li>x <input type=checkbox></li><li><input type=text> y</li></ul>';
    expect(md(html)).toBe("- [x] Done thing\n- [ ] Todo thing\n- x\n- y");
    expect(txt(html)).toBe("- [x] Done thing\n- [ ] Todo thing\n- x\n- y");
  });
});

describe("character references", () => {
  test("numeric, windows-1252 for 128–159, U+FFFD for NUL, surrogates and beyond U+10FFFF", () => {
    expect(decodeEntities("&#169; &#xA9; &#X41; &#150; &#0; &#xD800; &#x110000; &#12345678;")).toBe("© © A – \ufffd \ufffd \ufffd \ufffd8;");
  });

  test("named: the table's names, ';' optional; unknown, one-letter and prototype names stay as written", () => {
    expect(decodeEntities("&amp &ampx &bogus; &a; &eacute;&Eacute; &constructor; &toString &#; &#x; &LT;")).toBe("& &ampx &bogus; &a; éÉ &constructor; &toString &#; &#x; &LT;");
    expect(decodeEntities("&hellip;&mdash;&nbsp;&euro;&lambda;")).toBe("…—\u00a0€λ");
    expect(decodeEntities("a&ensp;b&emsp;c&thinsp;d")).toBe("a\u2002b\u2003c\u2009d"); // en, em and thin spaces
  });

  test("text without '&' is returned as is", () => {
    const s = "plain text";
    expect(decodeEntities(s)).toBe(s);
  });
});

describe("hostile input", () => {
  test("an unterminated tag ends the page there, as in a browser", () => {
    expect(md('<p>kept</p><p>cut <a href="x')).toBe("kept\n\ncut");
    expect(md("<p>kept</p>tail <b")).toBe("kept\n\ntail");
    expect(md("<p>kept</p><!doctype html")).toBe("kept");
    expect(md("<p>kept</p><?php echo 1")).toBe("kept");
  });

  test("an unterminated comment runs to the end", () => {
    expect(md("<p>kept</p><!-- never closed <p>x</p>")).toBe("kept");
  });

  test('"<a" repeated 200,000 times with no ">" converts to nothing', () => {
    expect(htmlToMarkdown("<p>before</p>" + "<a".repeat(200_000))).toEqual({ title: "", markdown: "before" });
  });

  test('"<" repeated a million times is text', () => {
    expect(md("<".repeat(1_000_000))).toBe("<".repeat(1_000_000));
  });

  test("unterminated raw text and quotes", () => {
    expect(md("<p>a</p><script>never closed <p>b</p>")).toBe("a");
    expect(htmlToMarkdown("<title>open title")).toEqual({ title: "open title", markdown: "" });
    expect(md("<p>a</p><a href='" + "x".repeat(100_000))).toBe("a");
  });

  test(`lists and quotes nested deeper than ${MAX_NESTING} levels stop indenting there`, () => {
    const depth = 5000;
    const lines = md("<ul><li>x".repeat(depth)).split("\n");
    expect(lines).toHaveLength(depth);
    expect(lines[0]).toBe("- x");
    expect(lines[MAX_NESTING - 1]).toBe("  ".repeat(MAX_NESTING - 1) + "- x");
    expect(lines[depth - 1]).toBe("  ".repeat(MAX_NESTING - 1) + "- x");
    const quotes = md("<blockquote>q".repeat(depth)).split("\n\n");
    expect(quotes).toHaveLength(depth);
    expect(quotes[depth - 1]).toBe("> ".repeat(MAX_NESTING) + "q");
  });

  test(`emphasis nested deeper than ${MAX_NESTING} is plain text (each paragraph reopens what is open)`, () => {
    const blocks = md("<b>".repeat(20_000) + "<p>x".repeat(20_000)).split("\n\n");
    expect(blocks).toHaveLength(20_000);
    expect(blocks[19_999]).toBe("**".repeat(MAX_NESTING) + "x" + "**".repeat(MAX_NESTING));
  });

  test("lists left open in a table's cells, links around many blocks", () => {
    expect(md("<table><tr><td>" + "<ul><li>x".repeat(50_000) + "</table><p>after")).toBe("| " + Array(50_000).fill("x").join(" • ") + " |\n| --- |\n\nafter");
    expect(md('<a href="/x">'.repeat(MAX_LINK_NESTING) + "<p>p".repeat(50_000), "https://e.com/").split("\n\n")[1]).toBe("p");
  });

  test(`links nested deeper than ${MAX_LINK_NESTING} are plain text`, () => {
    expect(md('<a href="/x">'.repeat(3) + "t" + "</a>".repeat(3), "https://e.com/")).toBe("[[[t](https://e.com/x)](https://e.com/x)](https://e.com/x)");
    const n = 100_000;
    const out = md('<a href="/x">'.repeat(n) + "t" + "</a>".repeat(n), "https://e.com/");
    expect(out).toBe("[".repeat(MAX_LINK_NESTING) + "t" + "](https://e.com/x)".repeat(MAX_LINK_NESTING));
  });

  test("a huge attribute value", () => {
    const href = "/" + "a".repeat(5_000_000);
    expect(md(`<p><a href="${href}">big</a></p>`, "https://e.com/")).toBe(`[big](https://e.com${href})`);
    expect(md(`<p title="${"\"".padStart(3_000_000, ">")}">after</p>`)).toBe("after");
  });

  test(`input over ${MAX_INPUT_CHARS} characters is refused`, () => {
    expect(() => htmlToMarkdown(" ".repeat(MAX_INPUT_CHARS + 1))).toThrow(/at most 16777216 are converted/);
    expect(htmlToMarkdown(" ".repeat(MAX_INPUT_CHARS)).markdown).toBe("");
  });

  test("output beyond the limit fails instead of filling memory", () => {
    // Each 17-character link repeats a 10 KB base URL.
    const longBase = "https://e.com/" + "p".repeat(10_000) + "/";
    const page = '<a href="x">y</a>'.repeat(200);
    expect(md(page, longBase).length).toBeGreaterThan(2_000_000);
    expect(() => htmlToMarkdown(page, { baseUrl: longBase, maxOutputChars: 1_000_000 })).toThrow("html.toMarkdown: the page converts to more than 1000000 characters");
    // One row of 100,000 cells, then 100,000 rows that would each be padded to it.
    const table = "<table><tr>" + "<td>c".repeat(100_000) + "<tr><td>r".repeat(100_000) + "</table>";
    expect(() => htmlToMarkdown(table)).toThrow(/converts to more than 33554432 characters/);
  });
});
