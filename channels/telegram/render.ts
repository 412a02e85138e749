// Block[] → Telegram HTML (parse_mode "HTML"): only <b> <i> <s> <code> <pre> <a> <blockquote>,
// with & < > escaped in text and " too in attributes. Lists become text bullets and headings
// bold, as Telegram has neither. `renderChunks` keeps every message within the limit Telegram
// counts (visible characters after parsing, in UTF-16 units) even if the router's split did not.
import type { Block, Inline } from "../../runtime/contracts/channel.ts";

export const MAX_TEXT = 4096;

export const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttr = (s: string): string => escapeHtml(s).replace(/"/g, "&quot;");
const SAFE_HREF = /^(https?:|mailto:|tg:)/i;

interface Rendered { html: string; len: number }

function inline(nodes: Inline[]): Rendered {
  let html = "";
  let len = 0;
  for (const n of nodes) {
    if (n.t === "text") { html += escapeHtml(n.text); len += n.text.length; continue; }
    if (n.t === "code") { html += `<code>${escapeHtml(n.text)}</code>`; len += n.text.length; continue; }
    const inner = inline(n.children);
    len += inner.len;
    if (n.t === "link") html += SAFE_HREF.test(n.href) ? `<a href="${escapeAttr(n.href)}">${inner.html}</a>` : inner.html;
    else html += `<${TAG[n.t]}>${inner.html}</${TAG[n.t]}>`;
  }
  return { html, len };
}
const TAG = { bold: "b", italic: "i", strike: "s" } as const;

function codeBlock(text: string, lang?: string): Rendered {
  const safeLang = lang && /^[A-Za-z0-9_+#.-]{1,32}$/.test(lang) ? lang : "";
  const body = escapeHtml(text);
  return { html: safeLang ? `<pre><code class="language-${safeLang}">${body}</code></pre>` : `<pre>${body}</pre>`, len: text.length };
}

export function renderBlock(b: Block): Rendered {
  switch (b.t) {
    case "para": return inline(b.children);
    case "heading": { const r = inline(b.children); return { html: `<b>${r.html}</b>`, len: r.len }; }
    case "quote": { const r = inline(b.children); return { html: `<blockquote>${r.html}</blockquote>`, len: r.len }; }
    case "code_block": return codeBlock(b.text, b.lang);
    case "list": {
      const lines = b.items.map((it, i) => { const bullet = b.ordered ? `${i + 1}. ` : "• "; const r = inline(it); return { html: bullet + r.html, len: bullet.length + r.len }; });
      return { html: lines.map((l) => l.html).join("\n"), len: lines.reduce((n, l) => n + l.len, 0) + Math.max(0, lines.length - 1) };
    }
  }
}

export const renderHtml = (blocks: Block[]): string => blocks.map((b) => renderBlock(b).html).join("\n\n");

/** HTML messages of at most `max` visible characters each; an oversized block is cut, code at line ends. */
export function renderChunks(blocks: Block[], max = MAX_TEXT): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let len = 0;
  const flush = () => { if (cur.length) out.push(cur.join("\n\n")); cur = []; len = 0; };
  for (const b of blocks) {
    for (const r of fit(b, max)) {
      if (cur.length && len + 2 + r.len > max) flush();
      len += (cur.length ? 2 : 0) + r.len;
      cur.push(r.html);
    }
  }
  flush();
  return out.filter((h) => h.trim() !== "");
}

function fit(b: Block, max: number): Rendered[] {
  const r = renderBlock(b);
  if (r.len <= max) return [r];
  // Rare: the router splits first. Keep code as code; anything else loses its inline styling.
  if (b.t === "code_block") return cutText(b.text, max, true).map((t) => codeBlock(t, b.lang));
  const plain = plainOf(b);
  return cutText(plain, max, false).map((t) => ({ html: escapeHtml(t), len: t.length }));
}

/** Plain text cut into pieces of ≤ max UTF-16 units, at a line end when one is near, never inside a surrogate pair. */
export function cutText(text: string, max: number, preferLines: boolean): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let at = max;
    const nl = rest.lastIndexOf("\n", max);
    if (preferLines && nl > max / 2) at = nl;
    else if (!preferLines) { const sp = rest.lastIndexOf(" ", max); if (sp > max / 2) at = sp; }
    const code = rest.charCodeAt(at - 1);
    if (code >= 0xd800 && code <= 0xdbff) at--;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, "");
  }
  if (rest) parts.push(rest);
  return parts;
}

function plainOf(b: Block): string {
  const inl = (n: Inline[]): string => n.map((x) => (x.t === "text" || x.t === "code" ? x.text : inl(x.children))).join("");
  if (b.t === "code_block") return b.text;
  if (b.t === "list") return b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : "•"} ${inl(it)}`).join("\n");
  return inl(b.children);
}
