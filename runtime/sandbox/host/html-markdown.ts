// HTML → readable Markdown (or plain text) for the sandbox's `html.toMarkdown` (a pure helper of
// the sandbox's standard library, run on the host because QuickJS interprets a page at ~300 ns
// per byte). Headings, paragraphs, links resolved against the page's URL, lists, code, quotes
// and tables; scripts, styles, navigation, footers and forms dropped; entities decoded.
//
// Hostile pages are the normal case, so every step is linear in the page's size: tags are found
// with indexOf('<') and a hand-written scan that respects quotes (no backtracking regex over the
// page), and what could grow faster than the page is capped (nesting depth, nested links, total
// output). A tag, `<!…>` or `<?…>` still open at the end of the page ends the page there, as in
// an HTML parser: nothing after its '<' is converted. An unterminated comment runs to the end.
import { BANG, DASH, DQ, EQ, GT, QUESTION, SLASH, SQ, isLetter } from "./html-chars.ts";
import { decodeEntities } from "./html-entities.ts";
import { parseBase, resolveUrl, type BaseUrl } from "./html-links.ts";

export interface HtmlToMarkdownOptions {
  /** The page's URL; relative links and images are resolved against it. Absent: kept as written. */
  baseUrl?: string;
  /** Plain text: no Markdown syntax (headings, emphasis, links, quotes, table rules). */
  text?: boolean;
  /** Most characters of output before the conversion fails (default MAX_OUTPUT_CHARS). */
  maxOutputChars?: number;
}

export interface HtmlPage {
  title: string;
  markdown: string;
}

/** Longest page converted (characters); a longer one is an error, not a slow call. */
export const MAX_INPUT_CHARS = 16 * 1024 * 1024;
/** Most output: links repeat the base URL, so a page can ask for much more than its own size. */
export const MAX_OUTPUT_CHARS = 32 * 1024 * 1024;
/** List indentation and quote markers stop growing here: each line repeats them. */
export const MAX_NESTING = 32;
/** Links nested deeper than this are plain text: each closing link re-reads all its content. */
export const MAX_LINK_NESTING = 32;

/** Whose whole content is dropped. */
const DROP = new Set(["script", "style", "noscript", "template", "svg", "math", "nav", "footer", "form", "iframe", "object", "canvas", "select", "button", "dialog", "head"]);
/** Whose content is raw text (no tags are looked for inside, up to the matching end tag). */
const RAW = new Set(["script", "style", "textarea", "title", "xmp"]);
const BLOCK = new Set(["p", "div", "section", "article", "main", "header", "aside", "address", "figure", "figcaption", "details", "summary", "dl", "dt", "dd", "center", "fieldset", "legend", "caption", "body", "html"]);
/** Stands for <br> inside a paragraph until whitespace is collapsed. */
const BR = "\u0001";


export function htmlToMarkdown(html: string, opts: HtmlToMarkdownOptions = {}): HtmlPage {
  if (html.length > MAX_INPUT_CHARS) {
    throw new RangeError(`html.toMarkdown: the page has ${html.length} characters; at most ${MAX_INPUT_CHARS} are converted`);
  }
  const st = newState(opts);
  tokenize(html, st);
  flush(st);
  if (st.table) endTable(st);
  return { markdown: joinBlocks(st.blocks).trim(), title: st.title };
}

// ---------------------------------------------------------------------------------------------
// State

interface Block { text: string; tight: boolean }
interface List { ordered: boolean; n: number }
interface Link { href: string | null; from: number }
interface Table { rows: string[][]; row: string[] | null; cell: string; inCell: boolean; before: string }
/** An open emphasis or code span: its marker is the piece at `from` of the paragraph. */
interface Span { kind: "strong" | "em" | "code"; from: number }

interface State {
  blocks: Block[];
  /** The current paragraph's pieces; links remember where their text started. */
  inline: string[];
  prefix: string;
  marker: string;
  lists: List[];
  quote: number;
  pre: string[] | null;
  preLang: string;
  links: Link[];
  /** Open emphasis and code spans, innermost last (Markdown only; none inside <pre>). */
  spans: Span[];
  /** Open code spans: text inside them is not escaped. */
  code: number;
  /** <a> tags opened beyond MAX_LINK_NESTING, closed before the links below them. */
  ignoredLinks: number;
  table: Table | null;
  tableDepth: number;
  title: string;
  md: boolean;
  base: BaseUrl | null;
  /** A <base href> was seen: only the first one counts, as in a browser. */
  baseSet: boolean;
  /** Output characters still allowed, of `max`. */
  left: number;
  max: number;
}

function newState(opts: HtmlToMarkdownOptions): State {
  return {
    blocks: [], inline: [], prefix: "", marker: "", lists: [], quote: 0, pre: null, preLang: "", links: [], spans: [], code: 0, ignoredLinks: 0,
    table: null, tableDepth: 0, title: "", md: opts.text !== true, base: parseBase(opts.baseUrl ?? ""), baseSet: false,
    left: opts.maxOutputChars ?? MAX_OUTPUT_CHARS, max: opts.maxOutputChars ?? MAX_OUTPUT_CHARS,
  };
}

/** Counts output against the budget; past it the conversion fails instead of filling memory. */
function spend(st: State, chars: number): void {
  st.left -= chars;
  if (st.left < 0) throw new RangeError(`html.toMarkdown: the page converts to more than ${st.max} characters`);
}

function pushBlock(st: State, text: string, tight: boolean): void {
  spend(st, text.length + 2);
  st.blocks.push({ text, tight });
}

function joinBlocks(blocks: Block[]): string {
  const parts: string[] = [];
  let previous: Block | null = null;
  for (const b of blocks) {
    // Leading empty blocks (a text-mode <hr>) add no separator, as before any text.
    if (parts.length === 0 || (parts.length === 1 && parts[0] === "")) {
      parts.length = 0;
      parts.push(b.text);
    } else {
      parts.push(b.tight && previous!.tight ? "\n" : "\n\n", b.text);
    }
    previous = b;
  }
  return parts.join("");
}

// ---------------------------------------------------------------------------------------------
// Tokenizer: one pass, each character looked at a bounded number of times.

/** One tag as found by `scanMarkup`: `<name attrs>` with attrs = html[attrStart, attrEnd). */
interface Tag { closing: boolean; name: string; attrStart: number; attrEnd: number }

function tokenize(html: string, st: State): void {
  const tag: Tag = { closing: false, name: "", attrStart: 0, attrEnd: 0 };
  let drop: string | null = null;
  let dropDepth = 0;
  let at = 0; // start of text not yet handled
  let pos = 0;
  for (;;) {
    const lt = html.indexOf("<", pos);
    if (lt === -1) break;
    const end = scanMarkup(html, lt, tag);
    if (end === 0) { pos = lt + 1; continue; } // a lone '<' is text
    if (lt > at && drop === null) text(st, html.slice(at, lt));
    if (end === -1) return; // unterminated: the page ends here
    at = pos = end;
    if (tag.name === "") continue; // comment, doctype, processing instruction
    const name = tag.name;
    if (!tag.closing && RAW.has(name)) {
      at = pos = rawText(html, end, name, st, drop === null);
      continue;
    }
    const selfClosing = tag.attrEnd > tag.attrStart && html.charCodeAt(tag.attrEnd - 1) === SLASH;
    if (drop === "head" && name === "body") drop = null; // </head> is optional in HTML
    if (drop === "head" && name === "base" && !tag.closing) setBase(st, html, tag.attrStart, tag.attrEnd);
    if (drop !== null) {
      if (name === drop && !selfClosing) dropDepth += tag.closing ? -1 : 1;
      if (dropDepth === 0) drop = null;
      continue;
    }
    if (!tag.closing && DROP.has(name)) {
      if (name === "head" || !selfClosing) { drop = name; dropDepth = 1; }
      continue;
    }
    if (tag.closing) close(st, name);
    else open(st, name, html, tag.attrStart, tag.attrEnd);
  }
  if (at < html.length && drop === null) text(st, html.slice(at));
}

/**
 * Markup starting at `lt`: returns the index after it (with `tag` filled in; name "" for a
 * comment, doctype or processing instruction), 0 when this '<' is only text, -1 when the markup
 * is still open at the end of the page.
 */
function scanMarkup(html: string, lt: number, tag: Tag): number {
  const c = html.charCodeAt(lt + 1);
  tag.name = "";
  if (c === BANG) {
    if (html.charCodeAt(lt + 2) === DASH && html.charCodeAt(lt + 3) === DASH) {
      const close = html.indexOf("-->", lt + 4);
      return close === -1 ? html.length : close + 3;
    }
    const gt = html.indexOf(">", lt + 2);
    return gt === -1 ? -1 : gt + 1;
  }
  if (c === QUESTION) {
    const gt = html.indexOf(">", lt + 2);
    return gt === -1 ? -1 : gt + 1;
  }
  const closing = c === SLASH;
  const nameStart = closing ? lt + 2 : lt + 1;
  if (!isLetter(html.charCodeAt(nameStart))) return 0;
  let i = nameStart + 1;
  while (i < html.length && isNameChar(html.charCodeAt(i))) i++;
  const gt = tagEnd(html, i);
  if (gt === -1) return -1;
  tag.closing = closing;
  tag.name = html.slice(nameStart, i).toLowerCase();
  tag.attrStart = i;
  tag.attrEnd = gt;
  return gt + 1;
}

// Where a tag ends, and its attributes, follow the HTML tokenizer: a quote starts a quoted value
// only right after `=` (so `alt=Don't` is an ordinary value), and a quoted value may hold '>'.
const BEFORE_NAME = 0, NAME = 1, AFTER_NAME = 2, BEFORE_VALUE = 3, UNQUOTED = 4;

/** Index of the '>' ending a tag whose attributes start at `from`, or -1 (open at the end). */
function tagEnd(html: string, from: number): number {
  let s: number = BEFORE_NAME;
  for (let i = from; i < html.length; i++) {
    const c = html.charCodeAt(i);
    if (c === GT) return i; // outside a quoted value, '>' always ends the tag
    switch (s) {
      case BEFORE_NAME: if (!isSpace(c) && c !== SLASH) s = NAME; break; // a leading '=' is part of the name
      case NAME: if (c === EQ) s = BEFORE_VALUE; else if (c === SLASH) s = BEFORE_NAME; else if (isSpace(c)) s = AFTER_NAME; break;
      case AFTER_NAME: if (c === EQ) s = BEFORE_VALUE; else if (c === SLASH) s = BEFORE_NAME; else if (!isSpace(c)) s = NAME; break;
      case BEFORE_VALUE:
        if (c === DQ || c === SQ) {
          i = html.indexOf(c === DQ ? '"' : "'", i + 1);
          if (i === -1) return -1;
          s = BEFORE_NAME;
        } else if (!isSpace(c)) s = UNQUOTED;
        break;
      case UNQUOTED: if (isSpace(c)) s = BEFORE_NAME; break;
    }
  }
  return -1;
}

function isNameChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 58) || c === DASH; // 0-9 and ':'
}

/** A raw-text element's content up to `</name` (any case); returns where scanning goes on. */
function rawText(html: string, from: number, name: string, st: State, visible: boolean): number {
  const end = findEndTag(html, from, name);
  const body = html.slice(from, end === -1 ? html.length : end);
  if (name === "title" && !st.title) st.title = clean(decodeEntities(body));
  else if (visible && (name === "textarea" || name === "xmp")) text(st, body);
  if (end === -1) return html.length;
  const gt = html.indexOf(">", end);
  return gt === -1 ? html.length : gt + 1;
}

/** Index of the next `</name` (ASCII case-insensitive; `name` is lower case), or -1. */
function findEndTag(html: string, from: number, name: string): number {
  for (let k = html.indexOf("</", from); k !== -1; k = html.indexOf("</", k + 2)) {
    let i = 0;
    while (i < name.length && (html.charCodeAt(k + 2 + i) | 0x20) === name.charCodeAt(i)) i++;
    if (i === name.length) return k;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Attributes: scanned only for the few tags that need one, with the quotes respected.

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;

/**
 * The decoded value of attribute `name` (lower case) in html[from, to), the attributes of a tag
 * `tagEnd` found (so every quoted value closes before `to`); null when absent or without a value.
 */
function attr(html: string, from: number, to: number, name: string): string | null {
  let i = from;
  while (i < to) {
    const c = html.charCodeAt(i);
    if (isSpace(c) || c === SLASH) { i++; continue; }
    const nameStart = i++;
    while (i < to && !endsName(html.charCodeAt(i))) i++;
    const matches = i - nameStart === name.length && sameName(html, nameStart, name);
    while (i < to && isSpace(html.charCodeAt(i))) i++;
    if (i >= to || html.charCodeAt(i) !== EQ) {
      if (matches) return null;
      continue;
    }
    i++;
    while (i < to && isSpace(html.charCodeAt(i))) i++;
    const q = html.charCodeAt(i);
    let value: string;
    if (i < to && (q === DQ || q === SQ)) {
      const close = html.indexOf(q === DQ ? '"' : "'", i + 1);
      value = html.slice(i + 1, close);
      i = close + 1;
    } else {
      const start = i;
      while (i < to && !isSpace(html.charCodeAt(i))) i++;
      value = html.slice(start, i);
      if (value === "" && matches) return null;
    }
    if (matches) return decodeEntities(value);
  }
  return null;
}

function endsName(c: number): boolean {
  return isSpace(c) || c === SLASH || c === EQ;
}

function sameName(html: string, at: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    const c = html.charCodeAt(at + k);
    if ((isLetter(c) ? c | 0x20 : c) !== name.charCodeAt(k)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Text and blocks

function text(st: State, raw: string): void {
  const s = decodeEntities(raw);
  if (st.pre !== null) st.pre.push(s);
  else st.inline.push(st.md && st.code === 0 ? escapeInline(s) : s);
}

// The page's own text must stay text when the Markdown is rendered: "[here](http://evil)" or
// "<img onerror=…>" written on a page is not a link or HTML of ours ('<' only where it could
// open a tag, so "1 < 2" stays as written). Inside a word '_' cannot
// start emphasis, so snake_case stays unescaped.
const INLINE_SPECIAL = /[\\`*_[\]]|<[A-Za-z!?]|<\/[A-Za-z]/;
const INLINE_SPECIALS = /[\\`*[\]_]|<(?=[A-Za-z!?]|\/[A-Za-z])/g;
const isWordChar = (c: number) => (c >= 48 && c <= 57) || isLetter(c) || c > 127;

function escapeInline(s: string): string {
  if (!INLINE_SPECIAL.test(s)) return s;
  return s.replace(INLINE_SPECIALS, (m, i: number) =>
    m === "_" && i > 0 && isWordChar(s.charCodeAt(i - 1)) && isWordChar(s.charCodeAt(i + 1)) ? m : "\\" + m);
}

/** A line of the page's text that would start a heading, list, quote, rule or fence. */
function escapeLineStart(line: string): string {
  const c = line.charCodeAt(0);
  if (c === 62 || (c === 126 && line.startsWith("~~~"))) return "\\" + line; // > ~~~
  if (c === 35 && /^#{1,6}(?:[ \t]|$)/.test(line)) return "\\" + line; // #
  if ((c === 45 || c === 43) && (line.length === 1 || line.charCodeAt(1) === 32 || /^[- ]+$/.test(line))) return "\\" + line; // - +
  if (c === 61 && /^=+ *$/.test(line)) return "\\" + line; // a setext underline
  if (c >= 48 && c <= 57) {
    const m = /^(\d{1,9})[.)](?= |$)/.exec(line); // an ordered list item
    if (m) return m[1] + "\\" + line.slice(m[1]!.length);
  }
  return line;
}

/** The longest run of backticks in `s`: a code fence or span must be longer. */
function longestBacktickRun(s: string): number {
  let best = 0;
  for (let i = s.indexOf("`"); i !== -1; i = s.indexOf("`", i)) {
    let j = i;
    while (s.charCodeAt(j) === 96) j++;
    best = Math.max(best, j - i);
    i = j;
  }
  return best;
}

/** A link or image target: what would end or break it in Markdown is percent-encoded. */
function linkTarget(url: string): string {
  return url.replace(/[\s()<>\\]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 128 ? "%" + code.toString(16).toUpperCase().padStart(2, "0") : encodeURIComponent(c);
  });
}

// Runs of whitespace become one space. The patterns skip runs that already are one space, so a
// paragraph of ordinary prose is not rebuilt piece by piece.
const SPACES = /[\t\n\r\f][ \t\n\r\f]*| [ \t\n\r\f]+/g;
const SPACES_NBSP = /[\t\n\r\f\u00a0][ \t\n\r\f\u00a0]*| [ \t\n\r\f\u00a0]+/g;
const NBSP = /\u00a0/g;

/** Whitespace (and no-break spaces) collapsed to single spaces, trimmed. */
const clean = (s: string) => s.replace(SPACES_NBSP, " ").trim();

/** A paragraph's pieces → its text: whitespace collapsed, <br> as a line break, lines trimmed. */
function paragraph(pieces: string[]): string {
  const s = (pieces.length === 1 ? pieces[0]! : pieces.join("")).replace(SPACES, " ");
  if (s.indexOf(BR) !== -1) return s.split(BR).map((l) => l.trim().replace(NBSP, " ")).join("\n").trim();
  const t = s.trim(); // no-break spaces survive the trim only inside, so they never reach an end
  return t.indexOf("\u00a0") === -1 ? t : t.replace(NBSP, " ");
}

/** Ends the current paragraph: its collapsed text becomes a block with the current prefix. */
function flush(st: State): void {
  if (st.inline.length === 0) return;
  // Spans still open are closed at the paragraph's end and opened again in the next one.
  for (let i = st.spans.length - 1; i >= 0; i--) finishSpan(st, st.spans[i]!);
  let body = paragraph(st.inline);
  st.inline = [];
  for (const span of st.spans) reopenSpan(st, span);
  if (body === "") return;
  const multiline = body.indexOf("\n") !== -1;
  if (st.table) {
    const t = st.table;
    const piece = multiline ? body.replace(/\n/g, " ") : body;
    // Text in a table but outside its cells (a caption, stray text) goes before the table.
    if (t.inCell) t.cell += (t.cell ? " " : "") + piece;
    else t.before += (t.before ? "\n" : "") + piece;
    return;
  }
  if (st.md) body = multiline ? body.split("\n").map(escapeLineStart).join("\n") : escapeLineStart(body);
  const depth = Math.min(st.lists.length, MAX_NESTING);
  const indent = depth > 1 ? "  ".repeat(depth - 1) : "";
  const first = st.marker ? indent + st.marker : depth ? indent + "  " : "";
  const quote = st.quote && st.md ? "> ".repeat(Math.min(st.quote, MAX_NESTING)) : "";
  let out = quote + first + st.prefix;
  if (!multiline) out += body;
  else {
    const lines = body.split("\n");
    const next = "\n" + quote + (depth ? indent + "  " : "");
    out += lines.join(next);
  }
  pushBlock(st, out, st.marker !== "" || depth > 0);
  st.marker = "";
  st.prefix = "";
}

function isHeading(name: string): boolean {
  if (name.length !== 2 || name.charCodeAt(0) !== 104) return false; // 'h'
  const d = name.charCodeAt(1);
  return d >= 49 && d <= 54; // 1-6
}

function open(st: State, name: string, html: string, from: number, to: number): void {
  if (isHeading(name)) { flush(st); st.prefix = st.md ? "#".repeat(name.charCodeAt(1) - 48) + " " : ""; return; }
  if (BLOCK.has(name)) return flush(st);
  switch (name) {
    case "br": if (st.pre !== null) st.pre.push("\n"); else st.inline.push(BR); return;
    case "hr": flush(st); pushBlock(st, st.md ? "---" : "", false); return;
    case "ul": case "ol": case "menu": flush(st); st.lists.push({ ordered: name === "ol", n: +(attr(html, from, to, "start") ?? 1) - 1 }); return;
    case "li": { flush(st); const l = st.lists[st.lists.length - 1]; st.marker = l && l.ordered ? `${++l.n}. ` : "- "; return; }
    case "blockquote": flush(st); st.quote++; return;
    case "pre": flush(st); st.pre = []; st.preLang = ""; return;
    case "code": return openCode(st, html, from, to);
    case "strong": case "b": return openSpan(st, "strong");
    case "em": case "i": return openSpan(st, "em");
    case "a": return openLink(st, html, from, to);
    case "base": return setBase(st, html, from, to);
    case "img": return image(st, html, from, to);
    case "table": if (st.tableDepth++ === 0) { flush(st); st.table = { rows: [], row: null, cell: "", inCell: false, before: "" }; } return;
    case "tr": if (st.tableDepth === 1) { endRow(st); st.table!.row = []; } return;
    case "td": case "th": return openCell(st);
  }
}

function close(st: State, name: string): void {
  if (isHeading(name) || BLOCK.has(name)) return flush(st);
  switch (name) {
    case "ul": case "ol": case "menu": flush(st); st.lists.pop(); return;
    case "li": return flush(st);
    case "blockquote": flush(st); st.quote = Math.max(0, st.quote - 1); return;
    case "pre": return closePre(st);
    case "code": return closeSpan(st, "code");
    case "strong": case "b": return closeSpan(st, "strong");
    case "em": case "i": return closeSpan(st, "em");
    case "a": return closeLink(st);
    case "td": case "th": if (st.tableDepth === 1) endCell(st); return;
    case "tr": if (st.tableDepth === 1) endRow(st); return;
    case "table": if (--st.tableDepth === 0) endTable(st); else st.tableDepth = Math.max(0, st.tableDepth); return;
  }
}

function openCode(st: State, html: string, from: number, to: number): void {
  if (st.pre === null) return openSpan(st, "code");
  const c = attr(html, from, to, "class");
  const lang = c && /(?:^|\s)(?:language|lang)-([\w+#-]+)/.exec(c);
  if (lang) st.preLang = lang[1]!;
}

function closePre(st: State): void {
  if (st.pre === null) return;
  const body = st.pre.join("").replace(/^\n/, "").trimEnd();
  st.pre = null;
  if (!st.md) return pushBlock(st, body, false);
  const fence = "`".repeat(Math.max(3, longestBacktickRun(body) + 1));
  pushBlock(st, fence + st.preLang + "\n" + body + "\n" + fence, false);
}

// Emphasis and code spans: the opening marker is a piece of the paragraph; at the close the
// content between is rewritten, so the markers hug the text (Markdown ignores "** x **"), an
// empty span leaves no "****", and a code span's fence is longer than any backtick run in it.

const MARKERS = { strong: "**", em: "*", code: "`" } as const;

function openSpan(st: State, kind: Span["kind"]): void {
  if (!st.md || st.pre !== null) return;
  if (kind === "code") st.code++;
  st.spans.push({ kind, from: st.inline.length });
  st.inline.push(MARKERS[kind]);
}

function closeSpan(st: State, kind: Span["kind"]): void {
  if (!st.md || st.pre !== null) return;
  let i = st.spans.length - 1;
  while (i >= 0 && st.spans[i]!.kind !== kind) i--;
  if (i < 0) return; // a stray end tag
  // Spans opened inside this one and never closed end with it.
  for (let k = st.spans.length - 1; k >= i; k--) finishSpan(st, st.spans[k]!);
  for (let k = i; k < st.spans.length; k++) if (st.spans[k]!.kind === "code") st.code--;
  st.spans.length = i;
}

/** Rewrites a span's pieces into one: markers around the trimmed content, or just the content. */
function finishSpan(st: State, span: Span): void {
  if (span.from >= st.inline.length) return; // already part of a finished link
  const content = st.inline.slice(span.from + 1).join("");
  st.inline.length = span.from;
  let a = 0;
  let b = content.length;
  while (a < b && isEdgeSpace(content.charCodeAt(a))) a++;
  while (b > a && isEdgeSpace(content.charCodeAt(b - 1))) b--;
  if (a === b) { st.inline.push(content); return; }
  const core = content.slice(a, b);
  const lead = content.slice(0, a);
  const trail = content.slice(b);
  let marker: string = MARKERS[span.kind];
  let pad = "";
  if (span.kind === "code") {
    marker = "`".repeat(longestBacktickRun(core) + 1);
    if (core.charCodeAt(0) === 96 || core.charCodeAt(core.length - 1) === 96) pad = " ";
  }
  st.inline.push(lead + marker + pad + core + pad + marker + trail);
}

/** Whitespace, a no-break space or a <br>: moved outside a span's markers. */
const isEdgeSpace = (c: number) => isSpace(c) || c === 0xa0 || c === 1;

function reopenSpan(st: State, span: Span): void {
  span.from = st.inline.length;
  st.inline.push(MARKERS[span.kind]);
}

function image(st: State, html: string, from: number, to: number): void {
  const alt = attr(html, from, to, "alt");
  if (!alt || !alt.trim()) return;
  if (!st.md) { st.inline.push(clean(alt)); return; }
  // Without a src the first srcset candidate; without either, the alt text alone (an empty
  // src would resolve to the page itself).
  const src = attr(html, from, to, "src")?.trim() || /^\s*([^\s,]+)/.exec(attr(html, from, to, "srcset") ?? "")?.[1];
  if (!src) { st.inline.push(escapeInline(clean(alt))); return; }
  const md = `![${escapeInline(clean(alt))}](${linkTarget(resolveUrl(src, st.base))})`;
  spend(st, md.length);
  st.inline.push(md);
}

function openLink(st: State, html: string, from: number, to: number): void {
  if (st.links.length >= MAX_LINK_NESTING) { st.ignoredLinks++; return; }
  st.links.push({ href: attr(html, from, to, "href"), from: st.inline.length });
}

function closeLink(st: State): void {
  if (st.ignoredLinks > 0) { st.ignoredLinks--; return; }
  const link = st.links.pop();
  if (!link) return;
  // Spans opened inside the link end with it, so its label is balanced.
  let i = st.spans.length;
  while (i > 0 && st.spans[i - 1]!.from >= link.from) i--;
  if (i < st.spans.length) {
    for (let k = st.spans.length - 1; k >= i; k--) finishSpan(st, st.spans[k]!);
    for (let k = i; k < st.spans.length; k++) if (st.spans[k]!.kind === "code") st.code--;
    st.spans.length = i;
  }
  // A link opened before the paragraph was flushed has no pieces left (and stays plain).
  const label = link.from < st.inline.length ? clean(st.inline.slice(link.from).join("")) : "";
  const href = link.href && link.href.trim();
  if (!st.md || !label || !href || href.startsWith("#") || /^javascript:/i.test(href)) return;
  const md = `[${label}](${linkTarget(resolveUrl(href, st.base))})`;
  spend(st, md.length);
  st.inline.length = link.from;
  st.inline.push(md);
}

// ---------------------------------------------------------------------------------------------
// Tables: rows of cells; nested tables are flattened into the outer cell.

function openCell(st: State): void {
  if (st.tableDepth !== 1) { st.inline.push(" "); return; }
  const t = st.table!;
  endCell(st);
  if (!t.row) t.row = [];
  t.inCell = true;
}

function endCell(st: State): void {
  const t = st.table!;
  if (!t.inCell) return;
  flush(st);
  if (!t.row) t.row = [];
  t.row.push(st.md ? t.cell.replace(/\|/g, "\\|") : t.cell);
  t.cell = "";
  t.inCell = false;
}

function endRow(st: State): void {
  endCell(st);
  const t = st.table!;
  if (t.row && t.row.length) t.rows.push(t.row);
  t.row = null;
}

function endTable(st: State): void {
  endRow(st);
  const { rows, before } = st.table!;
  st.table = null;
  st.tableDepth = 0;
  if (before) pushBlock(st, st.md ? before.split("\n").map(escapeLineStart).join("\n") : before, false);
  if (rows.length === 0) return;
  let width = 0;
  for (const r of rows) width = Math.max(width, r.length);
  const out: string[] = [];
  for (const r of rows) {
    // Rows are padded to the widest: count before building, so one wide row cannot multiply.
    spend(st, st.md ? 4 * width : r.length);
    out.push(st.md ? tableRow(r, width) : r.join("\t"));
    if (out.length === 1 && st.md) out.push("|" + " --- |".repeat(width));
  }
  pushBlock(st, out.join("\n"), false);
}

function tableRow(r: string[], width: number): string {
  const cells = new Array<string>(width);
  for (let i = 0; i < width; i++) cells[i] = r[i] ?? "";
  return "| " + cells.join(" | ") + " |";
}

/** The first <base href> with an http(s) URL becomes what later links resolve against. */
function setBase(st: State, html: string, from: number, to: number): void {
  if (st.baseSet) return;
  const href = attr(html, from, to, "href")?.trim();
  if (!href) return;
  st.baseSet = true;
  const url = resolveUrl(href, st.base);
  if (/^https?:\/\//i.test(url)) st.base = parseBase(url);
}
