// HTML → readable Markdown (or plain text) for the sandbox's `html.toMarkdown` (a pure helper of
// the sandbox's standard library, run on the host because QuickJS interprets a page at ~300 ns
// per byte). Headings, paragraphs, links resolved against the page's URL, lists, code, quotes
// and tables; scripts, styles, navigation, footers and forms dropped; entities decoded.
//
// Hostile pages are the normal case, so every step is linear in the page's size: tags are found
// with indexOf('<') and a hand-written scan that respects quotes (no backtracking regex over the
// page), and what could grow faster than the page is capped (nesting depth, nested links and
// emphasis, total output). A tag, `<!…>` or `<?…>` still open at the end of the page ends the
// page there, as in an HTML parser: nothing after its '<' is converted. An unterminated comment
// runs to the end.
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

/** A block and what separates it from the one before: "\n" inside a tight list, else a blank line. */
interface Block { text: string; sep: string }
/**
 * An open list: its markers start at column `col`, its current item's content at `col + width`
 * (CommonMark needs the marker's width: 3 under "1. ", 4 under "10. ").
 */
interface List { ordered: boolean; n: number; col: number; width: number }
/** An open link; `href` null when it links nowhere, or once its text was linked (at a block's end). */
interface Link { href: string | null; from: number }
/** An open table, and what was open around it (a list left open in a cell ends with the table). */
interface Table { rows: string[][]; row: string[] | null; cell: string; inCell: boolean; before: string; lists: number; quote: number; marker: string; markerCol: number; markerDepth: number; prefix: string }
/** An open emphasis or code span: its marker is the piece at `from` of the paragraph. */
interface Span { kind: "strong" | "em" | "code"; from: number }

interface State {
  blocks: Block[];
  /** The current paragraph's pieces; links remember where their text started. */
  inline: string[];
  /** A heading's "## " for the current paragraph. */
  prefix: string;
  /** The list item marker(s) for the current paragraph's first line, from column markerCol. */
  marker: string;
  markerCol: number;
  /** How many lists were open when the marker was set. */
  markerDepth: number;
  lists: List[];
  /** The last block ended a tight run (a list item's first block), so the next may follow with "\n". */
  lastTight: boolean;
  /** The last block was the first block of an item of the list at this depth (else -1). */
  lastItemDepth: number;
  /** The next block starts after a blank line (a list that cannot continue the one before). */
  breakNext: boolean;
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
    blocks: [], inline: [], prefix: "", marker: "", markerCol: 0, markerDepth: 0, lists: [], lastTight: false, lastItemDepth: -1, breakNext: false, quote: 0, pre: null, preLang: "", links: [], spans: [], code: 0, ignoredLinks: 0,
    table: null, tableDepth: 0, title: "", md: opts.text !== true, base: parseBase(opts.baseUrl ?? ""), baseSet: false,
    left: opts.maxOutputChars ?? MAX_OUTPUT_CHARS, max: opts.maxOutputChars ?? MAX_OUTPUT_CHARS,
  };
}

/** Counts output against the budget; past it the conversion fails instead of filling memory. */
function spend(st: State, chars: number): void {
  st.left -= chars;
  if (st.left < 0) throw new RangeError(`html.toMarkdown: the page converts to more than ${st.max} characters`);
}

/** Adds a block; `tight` ones (list items) follow each other on the next line. */
function pushBlock(st: State, text: string, tight: boolean, itemDepth = -1): void {
  spend(st, text.length + 2);
  st.blocks.push({ text, sep: tight && st.lastTight && !st.breakNext ? "\n" : "\n\n" });
  st.lastTight = tight;
  st.lastItemDepth = itemDepth;
  st.breakNext = false;
}

function joinBlocks(blocks: Block[]): string {
  const parts: string[] = [];
  for (const b of blocks) {
    // Leading empty blocks (a text-mode <hr>) add no separator, as before any text.
    if (parts.length === 0 || (parts.length === 1 && parts[0] === "")) {
      parts.length = 0;
      parts.push(b.text);
    } else {
      parts.push(b.sep, b.text);
    }
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
 * `tagEnd` found (so every quoted value closes before `to`); null when absent, "" without a value.
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
      if (matches) return "";
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
// open a tag, so "1 < 2" stays as written; '&' only where it starts a character reference, so
// "&copy;" written on a page is not ©; '~' where it could be strikethrough). Inside a word '_'
// cannot start emphasis, so snake_case stays unescaped; nor can a lone '~' after a space close a
// strikethrough, so ~/.bashrc and ~user do too. Each lookahead reads at most 33 characters.
const INLINE_SPECIAL = /[\\`*_[\]~]|<[A-Za-z!?]|<\/[A-Za-z]|&[#A-Za-z]/;
const ENTITY_AMP = /&(?=#\d{1,7};|#[xX][\dA-Fa-f]{1,6};|[A-Za-z][A-Za-z\d]{1,31};)/g;
const INLINE_SPECIALS = /[\\`*[\]_]|~+|&(?=#\d{1,7};|#[xX][\dA-Fa-f]{1,6};|[A-Za-z][A-Za-z\d]{1,31};)|<(?=[A-Za-z!?]|\/[A-Za-z])/g;
const isWordChar = (c: number) => (c >= 48 && c <= 57) || isLetter(c) || c > 127;

function escapeInline(s: string): string {
  if (!INLINE_SPECIAL.test(s)) return s;
  return s.replace(INLINE_SPECIALS, (m, i: number) => {
    if (m === "_") return i > 0 && isWordChar(s.charCodeAt(i - 1)) && isWordChar(s.charCodeAt(i + 1)) ? m : "\\_";
    if (m.charCodeAt(0) === 126) return m.length === 1 && opensOnly(s, i) ? m : "\\~".repeat(m.length);
    return "\\" + m;
  });
}

/** A lone '~' at s[i] that could only open a strikethrough (after a space, before a word or '/'). */
function opensOnly(s: string, i: number): boolean {
  const next = s.charCodeAt(i + 1);
  return (i === 0 || isSpace(s.charCodeAt(i - 1))) && (isWordChar(next) || next === SLASH);
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

/**
 * A link or image target: what would end or break it in Markdown is percent-encoded, and a '&'
 * that would start a character reference (which Markdown decodes in targets too) escaped.
 */
function linkTarget(url: string): string {
  const t = url.replace(/[\s()<>\\]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 128 ? "%" + code.toString(16).toUpperCase().padStart(2, "0") : encodeURIComponent(c);
  });
  return t.indexOf("&") === -1 ? t : t.replace(ENTITY_AMP, "\\&");
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

/**
 * Ends the current paragraph: its collapsed text becomes a block with the current list marker or
 * heading prefix, or, inside a table, part of the cell (flattened: lines and items on one line).
 */
function flush(st: State): void {
  if (st.inline.length === 0) return;
  // A link around blocks (a news card's <a><h3>…</h3><p>…</p></a>) links its first block's text.
  if (st.md) for (let k = st.links.length - 1; k >= 0; k--) if (st.links[k]!.from < st.inline.length) linkPieces(st, st.links[k]!, false);
  // Spans still open are closed at the paragraph's end and opened again in the next one.
  for (let i = st.spans.length - 1; i >= 0; i--) finishSpan(st, st.spans[i]!);
  let body = paragraph(st.inline);
  st.inline = [];
  for (const span of st.spans) reopenSpan(st, span);
  for (const link of st.links) link.from = st.inline.length;
  // An empty paragraph (the space between <li> and <p>) leaves the marker for the text to come.
  if (body === "") return;
  const { marker, prefix } = st;
  st.marker = "";
  st.prefix = "";
  let multiline = body.indexOf("\n") !== -1;
  // A heading stays on one line; so does a table's cell.
  if (multiline && (prefix || st.table)) { body = body.replace(/\n+/g, " "); multiline = false; }
  if (st.table) {
    const t = st.table;
    const piece = body;
    // Text in a table but outside its cells (a caption, stray text) goes before the table.
    if (t.inCell) t.cell += (t.cell ? (marker ? " • " : " ") : "") + piece;
    else t.before += (t.before ? "\n" : "") + piece;
    return;
  }
  const quote = st.quote && st.md ? "> ".repeat(Math.min(st.quote, MAX_NESTING)) : "";
  const cont = quote + " ".repeat(contentCol(st));
  let out = marker ? quote + " ".repeat(st.markerCol) + marker + prefix : cont + prefix;
  if (!multiline) out += st.md ? escapeLineStart(body) : body;
  else {
    // <br>: a hard line break in Markdown (a backslash ending the line); in a heading, a space.
    const lines = body.split("\n");
    const br = st.md ? "\\\n" + cont : "\n" + cont;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (i > 0) out += line === "" || lines[i - 1] === "" ? "\n" + (line === "" ? quote.trimEnd() : cont) : br;
      out += st.md ? escapeLineStart(line) : line;
    }
  }
  // An item's first block follows the item before on the next line; its other blocks (a <p>
  // after its text) after a blank line, or they would run on as the same paragraph.
  pushBlock(st, out, marker !== "", marker ? st.markerDepth : -1);
}

/** The column an open list item's content starts at (0 outside lists). */
function contentCol(st: State): number {
  const l = st.lists[st.lists.length - 1];
  return l ? l.col + l.width : 0;
}

/** A block that is not a paragraph (code, a table, a rule) placed inside the open quotes and list items. */
function containerBlock(st: State, text: string): string {
  const quote = st.quote && st.md ? "> ".repeat(Math.min(st.quote, MAX_NESTING)) : "";
  const col = contentCol(st);
  if (!quote && col === 0) return text;
  const pad = quote + " ".repeat(col);
  return text.split("\n").map((l) => (l === "" ? quote.trimEnd() : pad + l)).join("\n");
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
    case "hr": flush(st); if (!st.table) pushBlock(st, containerBlock(st, st.md ? "---" : ""), false); return;
    case "ul": case "ol": case "menu": return openList(st, name === "ol", html, from, to);
    case "li": return openItem(st);
    case "input": return checkbox(st, html, from, to);
    case "blockquote": flush(st); st.quote++; return;
    case "pre": flush(st); st.pre = []; st.preLang = ""; return;
    case "code": return openCode(st, html, from, to);
    case "strong": case "b": return openSpan(st, "strong");
    case "em": case "i": return openSpan(st, "em");
    case "a": return openLink(st, html, from, to);
    case "base": return setBase(st, html, from, to);
    case "img": return image(st, html, from, to);
    case "table": if (st.tableDepth++ === 0) openTable(st); return;
    case "tr": if (st.tableDepth === 1) { endRow(st); st.table!.row = []; } return;
    case "td": case "th": return openCell(st);
  }
}

function close(st: State, name: string): void {
  if (isHeading(name)) { flush(st); st.prefix = ""; return; } // an empty heading's "## " ends with it
  if (BLOCK.has(name)) return flush(st);
  switch (name) {
    case "ul": case "ol": case "menu":
      flush(st);
      if (st.markerDepth >= st.lists.length) st.marker = ""; // an empty item's marker ends with its list
      st.lists.pop();
      return;
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

function openList(st: State, ordered: boolean, html: string, from: number, to: number): void {
  flush(st);
  const depth = st.lists.length;
  const parent = st.lists[depth - 1];
  const col = !parent ? 0 : depth >= MAX_NESTING ? parent.col : parent.col + parent.width;
  const start = ordered ? listStart(attr(html, from, to, "start")) : 1;
  // Only a list right after its parent item's text may follow on the next line (an ordered one
  // only from 1): any other would continue the list or paragraph before it.
  const afterItem = depth > 0 && (st.lastItemDepth === depth || (st.marker !== "" && st.markerDepth === depth));
  if (!afterItem || start !== 1) st.breakNext = true;
  st.lists.push({ ordered, n: start - 1, col, width: 0 });
}

/** An ordered list's first number: CommonMark allows 0 to 999999999. */
function listStart(value: string | null): number {
  const n = value === null ? NaN : parseInt(value.trim(), 10);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, 999_999_999) : 1;
}

function openItem(st: State): void {
  flush(st);
  const depth = st.lists.length;
  const l = st.lists[depth - 1];
  const marker = l && l.ordered ? `${++l.n}. ` : "- ";
  if (l) l.width = marker.length;
  // An item whose first content is a list: both markers on its first line ("- - x").
  if (st.marker !== "" && st.markerDepth < depth) st.marker += marker;
  else { st.marker = marker; st.markerCol = l ? l.col : 0; }
  st.markerDepth = depth;
}

/** A checkbox opening a list item: a task list item ("- [x] done", "- [ ] to do"). */
function checkbox(st: State, html: string, from: number, to: number): void {
  if (st.marker === "" || st.table || st.inline.length > 4 || st.inline.join("").trim() !== "") return;
  if (attr(html, from, to, "type")?.trim().toLowerCase() !== "checkbox") return;
  st.inline.push(attr(html, from, to, "checked") === null ? "[ ] " : "[x] ");
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
  if (st.table) {
    // A table cell holds one line: the block becomes inline code there.
    const flat = clean(body);
    if (flat) st.inline.push(st.md ? codeSpan(flat) : flat);
    return flush(st);
  }
  if (!st.md) return pushBlock(st, containerBlock(st, body), false);
  const fence = "`".repeat(Math.max(3, longestBacktickRun(body) + 1));
  pushBlock(st, containerBlock(st, fence + st.preLang + "\n" + body + "\n" + fence), false);
}

/** `core` (no edge spaces) as a code span: the fence longer than any backtick run inside. */
function codeSpan(core: string): string {
  const marker = "`".repeat(longestBacktickRun(core) + 1);
  const pad = core.charCodeAt(0) === 96 || core.charCodeAt(core.length - 1) === 96 ? " " : "";
  return marker + pad + core + pad + marker;
}

// Emphasis and code spans: the opening marker is a piece of the paragraph; at the close the
// content between is rewritten, so the markers hug the text (Markdown ignores "** x **"), an
// empty span leaves no "****", and a code span's fence is longer than any backtick run in it.

const MARKERS = { strong: "**", em: "*", code: "`" } as const;

function openSpan(st: State, kind: Span["kind"]): void {
  // Open spans are closed and opened again at every paragraph's end: beyond MAX_NESTING they
  // would make a page of paragraphs quadratic, so deeper ones are plain text.
  if (!st.md || st.pre !== null || st.spans.length >= MAX_NESTING) return;
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
  const marked = span.kind === "code" ? codeSpan(core) : MARKERS[span.kind] + core + MARKERS[span.kind];
  st.inline.push(content.slice(0, a) + marked + content.slice(b));
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
  const href = attr(html, from, to, "href")?.trim();
  const linked = st.md && href && !href.startsWith("#") && !/^javascript:/i.test(href);
  st.links.push({ href: linked ? href : null, from: st.inline.length });
}

function closeLink(st: State): void {
  if (st.ignoredLinks > 0) { st.ignoredLinks--; return; }
  const link = st.links.pop();
  if (link) linkPieces(st, link, true);
}

/**
 * The pieces since `link.from` become a Markdown link. At the link's end (`closing`) the spans
 * opened inside it end too; at a block's end inside it they are opened again in the next block,
 * and only that first block is linked.
 */
function linkPieces(st: State, link: Link, closing: boolean): void {
  // Spans opened inside the link end with its label, so the label is balanced.
  let i = st.spans.length;
  while (i > 0 && st.spans[i - 1]!.from >= link.from) i--;
  if (i < st.spans.length) {
    for (let k = st.spans.length - 1; k >= i; k--) finishSpan(st, st.spans[k]!);
    if (closing) {
      for (let k = i; k < st.spans.length; k++) if (st.spans[k]!.kind === "code") st.code--;
      st.spans.length = i;
    } else for (let k = i; k < st.spans.length; k++) st.spans[k]!.from = Infinity; // finished: flush skips them
  }
  if (link.href === null || link.from >= st.inline.length) return;
  const label = clean(st.inline.slice(link.from).join(""));
  if (!label) return;
  const md = `[${label}](${linkTarget(resolveUrl(link.href, st.base))})`;
  spend(st, md.length);
  st.inline.length = link.from;
  st.inline.push(md);
  link.href = null;
}

// ---------------------------------------------------------------------------------------------
// Tables: rows of cells; nested tables are flattened into the outer cell.

function openTable(st: State): void {
  flush(st);
  st.table = {
    rows: [], row: null, cell: "", inCell: false, before: "",
    lists: st.lists.length, quote: st.quote, marker: st.marker, markerCol: st.markerCol, markerDepth: st.markerDepth, prefix: st.prefix,
  };
  st.marker = "";
  st.prefix = "";
}

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
  // Lists, quotes, an empty item's marker or heading left open in the cell end with it.
  if (st.lists.length > t.lists) st.lists.length = t.lists;
  st.quote = t.quote;
  st.marker = "";
  st.prefix = "";
}

function endRow(st: State): void {
  endCell(st);
  const t = st.table!;
  if (t.row && t.row.length) t.rows.push(t.row);
  t.row = null;
}

function endTable(st: State): void {
  endRow(st);
  const t = st.table!;
  const { rows, before } = t;
  st.table = null;
  st.tableDepth = 0;
  // Whatever the table's content left open ends with it; what was open around it goes on.
  if (st.lists.length > t.lists) st.lists.length = t.lists;
  st.quote = t.quote;
  st.marker = t.marker;
  st.markerCol = t.markerCol;
  st.markerDepth = t.markerDepth;
  st.prefix = t.prefix;
  if (before) pushBlock(st, containerBlock(st, st.md ? before.split("\n").map(escapeLineStart).join("\n") : before), false);
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
  pushBlock(st, containerBlock(st, out.join("\n")), false);
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
