// HTML → readable Markdown (or plain text): headings, paragraphs, links, lists, code, quotes
// and tables; scripts, styles, navigation, footers and forms dropped; entities decoded. A
// single pass over a tag-or-comment regex, since QuickJS has no DOM and pages are messy.
import { decodeEntities } from "./entities.js";
import { resolveUrl } from "./url.js";

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<(\/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<![^>]*>|<\?[^>]*>/g;
/** Whose whole content is dropped. */
const DROP = new Set(["script", "style", "noscript", "template", "svg", "math", "nav", "footer", "form", "iframe", "object", "canvas", "select", "button", "dialog", "head"]);
/** Whose content is raw text (the tokenizer must not look for tags inside). */
const RAW = new Set(["script", "style", "textarea", "title", "xmp"]);
const BLOCK = new Set(["p", "div", "section", "article", "main", "header", "aside", "address", "figure", "figcaption", "details", "summary", "dl", "dt", "dd", "center", "fieldset", "legend", "caption", "body", "html"]);
const BR = "\u0001";

export function htmlToMarkdown(html, baseUrl, markdown = true) {
  const st = { blocks: [], inline: [], prefix: "", marker: "", lists: [], quote: 0, pre: null, links: [], table: null, tableDepth: 0, title: "", md: markdown, base: baseUrl };
  const lower = html.toLowerCase();
  let drop = null, dropDepth = 0, at = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(html); m !== null; m = TOKEN.exec(html)) {
    if (m.index > at && drop === null) text(st, html.slice(at, m.index));
    at = TOKEN.lastIndex;
    const name = m[2] === undefined ? null : m[2].toLowerCase();
    if (name === null) continue; // comment, doctype, processing instruction
    const closing = m[1] === "/";
    if (!closing && RAW.has(name)) {
      const end = lower.indexOf("</" + name, at);
      const body = html.slice(at, end === -1 ? html.length : end);
      if (name === "title" && !st.title) st.title = clean(decodeEntities(body));
      else if (drop === null && (name === "textarea" || name === "xmp")) text(st, body);
      at = end === -1 ? html.length : html.indexOf(">", end) + 1 || html.length;
      TOKEN.lastIndex = at;
      continue;
    }
    if (drop === "head" && name === "body") drop = null; // </head> is optional in HTML
    if (drop !== null) {
      if (name === drop && !m[3].endsWith("/")) dropDepth += closing ? -1 : 1;
      if (dropDepth === 0) drop = null;
      continue;
    }
    if (!closing && DROP.has(name)) {
      if (name === "head" || !m[3].endsWith("/")) { drop = name; dropDepth = 1; }
      continue;
    }
    closing ? close(st, name) : open(st, name, m[3]);
  }
  if (at < html.length && drop === null) text(st, html.slice(at));
  flush(st);
  if (st.table) endTable(st);
  return { markdown: st.blocks.map((b) => b.text).reduce(joinBlocks(st.blocks), "").trim(), title: st.title };
}

function joinBlocks(blocks) {
  let i = 0;
  return (acc, t) => {
    const b = blocks[i++];
    if (acc === "") return t;
    return acc + (b.tight && blocks[i - 2].tight ? "\n" : "\n\n") + t;
  };
}

function text(st, raw) {
  if (st.pre !== null) st.pre.push(decodeEntities(raw));
  else st.inline.push(decodeEntities(raw));
}

function attr(attrs, name) {
  const m = new RegExp("\\s" + name + "\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+))", "i").exec(attrs);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3]) : null;
}

const clean = (s) => s.replace(/[ \t\n\r\f\u00a0]+/g, " ").trim();

/** Ends the current paragraph: its collapsed text becomes a block with the current prefix. */
function flush(st) {
  if (st.inline.length === 0) return;
  const body = st.inline.join("").replace(/[ \t\n\r\f]+/g, " ").split(BR).map((l) => l.trim().replace(/\u00a0/g, " ")).join("\n").trim();
  st.inline = [];
  if (body === "") return;
  if (st.table) { st.table.cell += (st.table.cell ? " " : "") + body.replace(/\n/g, " "); return; }
  const indent = "  ".repeat(Math.max(0, st.lists.length - 1));
  const first = st.marker ? indent + st.marker : st.lists.length ? indent + "  " : "";
  const lines = body.split("\n").map((l, i) => (i === 0 ? first + st.prefix + l : (st.lists.length ? indent + "  " : "") + l));
  const quote = st.quote && st.md ? "> ".repeat(st.quote) : "";
  st.blocks.push({ text: lines.map((l) => quote + l).join("\n"), tight: st.marker !== "" || st.lists.length > 0 });
  st.marker = "";
  st.prefix = "";
}

function open(st, name, attrs) {
  if (/^h[1-6]$/.test(name)) { flush(st); st.prefix = st.md ? "#".repeat(+name[1]) + " " : ""; return; }
  if (BLOCK.has(name)) return flush(st);
  switch (name) {
    case "br": st.pre !== null ? st.pre.push("\n") : st.inline.push(BR); return;
    case "hr": flush(st); st.blocks.push({ text: st.md ? "---" : "", tight: false }); return;
    case "ul": case "ol": case "menu": flush(st); st.lists.push({ ordered: name === "ol", n: +(attr(attrs, "start") ?? 1) - 1 }); return;
    case "li": { flush(st); const l = st.lists[st.lists.length - 1]; st.marker = l && l.ordered ? `${++l.n}. ` : "- "; return; }
    case "blockquote": flush(st); st.quote++; return;
    case "pre": flush(st); st.pre = []; st.preLang = ""; return;
    case "code":
      if (st.pre !== null) { const c = attr(attrs, "class"); const lang = c && /(?:^|\s)(?:language|lang)-([\w+#-]+)/.exec(c); if (lang) st.preLang = lang[1]; }
      else if (st.md) st.inline.push("`");
      return;
    case "strong": case "b": if (st.md) st.inline.push("**"); return;
    case "em": case "i": if (st.md) st.inline.push("*"); return;
    case "a": st.links.push({ href: attr(attrs, "href"), from: st.inline.length }); return;
    case "img": { const alt = attr(attrs, "alt"); if (alt && alt.trim()) st.inline.push(st.md ? `![${clean(alt)}](${resolveUrl(attr(attrs, "src") ?? "", st.base)})` : clean(alt)); return; }
    case "table": if (st.tableDepth++ === 0) { flush(st); st.table = { rows: [], row: null, cell: "", head: false }; } return;
    case "tr": if (st.tableDepth === 1) { endRow(st); st.table.row = []; } return;
    case "td": case "th": if (st.tableDepth === 1) { endCell(st); if (!st.table.row) st.table.row = []; if (name === "th" && st.table.rows.length === 0) st.table.head = true; st.table.inCell = true; } else st.inline.push(" "); return;
  }
}

function close(st, name) {
  if (/^h[1-6]$/.test(name) || BLOCK.has(name)) return flush(st);
  switch (name) {
    case "ul": case "ol": case "menu": flush(st); st.lists.pop(); return;
    case "li": return flush(st);
    case "blockquote": flush(st); st.quote = Math.max(0, st.quote - 1); return;
    case "pre": {
      if (st.pre === null) return;
      const body = st.pre.join("").replace(/^\n/, "").replace(/\s+$/, "");
      st.pre = null;
      st.blocks.push({ text: st.md ? "```" + st.preLang + "\n" + body + "\n```" : body, tight: false });
      return;
    }
    case "code": if (st.pre === null && st.md) st.inline.push("`"); return;
    case "strong": case "b": if (st.md) st.inline.push("**"); return;
    case "em": case "i": if (st.md) st.inline.push("*"); return;
    case "a": return closeLink(st);
    case "td": case "th": if (st.tableDepth === 1) endCell(st); return;
    case "tr": if (st.tableDepth === 1) endRow(st); return;
    case "table": if (--st.tableDepth === 0) endTable(st); else st.tableDepth = Math.max(0, st.tableDepth); return;
  }
}

function closeLink(st) {
  const link = st.links.pop();
  if (!link) return;
  const label = clean(st.inline.slice(link.from).join(""));
  const href = link.href && link.href.trim();
  if (!st.md || !label || !href || href.startsWith("#") || /^javascript:/i.test(href)) return;
  st.inline.length = link.from;
  st.inline.push(`[${label}](${resolveUrl(href, st.base)})`);
}

function endCell(st) {
  const t = st.table;
  if (!t.inCell) return;
  flush(st);
  if (!t.row) t.row = [];
  t.row.push(t.cell.replace(/\|/g, "\\|"));
  t.cell = "";
  t.inCell = false;
}

function endRow(st) {
  endCell(st);
  const t = st.table;
  if (t.row && t.row.length) t.rows.push(t.row);
  t.row = null;
}

function endTable(st) {
  endRow(st);
  const rows = st.table.rows;
  st.table = null;
  st.tableDepth = 0;
  if (rows.length === 0) return;
  const width = Math.max(...rows.map((r) => r.length));
  const line = (r) => (st.md ? "| " + Array.from({ length: width }, (_, i) => r[i] ?? "").join(" | ") + " |" : r.join("\t"));
  const out = rows.map(line);
  if (st.md) out.splice(1, 0, "|" + " --- |".repeat(width));
  st.blocks.push({ text: out.join("\n"), tight: false });
}
