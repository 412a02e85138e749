// The menu page web_fetch's tests fetch, and the Markdown html.toMarkdown makes of it: shared by
// the converter's unit test and web_fetch's end-to-end test, so the two check the same page.
export const MENU_PAGE = `<!doctype html><html><head><title>Caf&eacute; &amp; Co</title><style>p { color: red }</style>
<script>if (a < b) document.write("<p>script text</p>")</script></head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<h1>Menu of the  <em>day</em></h1>
<p>Our <a href="../wine/list.html">wine list</a> and <code>espresso()</code>.<br>Open daily.</p>
<ul><li>Soup</li><li>Bread<ol><li>white</li><li>rye</li></ol></li></ul>
<pre><code class="language-sh">echo "1 &lt; 2"
  done</code></pre>
<blockquote><p>Best in town</p></blockquote>
<table><tr><th>Dish</th><th>Price</th></tr><tr><td>Soup</td><td>5 &euro;</td></tr></table>
<footer>© footer text</footer></body></html>`;

/** MENU_PAGE as Markdown, served from `${base}/food/menu.html`: no script, nav or footer. */
export const menuMarkdown = (base: string) => [
  "# Menu of the *day*",
  `Our [wine list](${base}/wine/list.html) and \`espresso()\`.\\\nOpen daily.`,
  "- Soup\n- Bread\n  1. white\n  2. rye",
  '```sh\necho "1 < 2"\n  done\n```',
  "> Best in town",
  "| Dish | Price |\n| --- | --- |\n| Soup | 5 € |",
].join("\n\n");
