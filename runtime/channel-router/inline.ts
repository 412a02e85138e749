// Inline Markdown → Inline[]: code spans, **bold**/__bold__, *italic*/_italic_, ~~strike~~,
// [links](http…). A small, safe subset: anything it does not recognise (an unclosed `**`, a
// `javascript:` link, HTML like `<b>` or `&amp;`) stays literal text; channels escape it.
import type { Inline } from "../contracts/channel.ts";

const SAFE_HREF = /^(https?:\/\/|mailto:)[^\s]+$/i;
const PUNCT = /[!-/:-@[-`{-~]/;
/**
 * Emphasis and links nested deeper than this are left as text: real replies nest two or three
 * levels, and each level re-reads its content, so a crafted reply nesting thousands of levels
 * would cost its length squared.
 */
export const MAX_INLINE_DEPTH = 8;

/**
 * What one pass over a text has learnt, so that no position is searched from again and the
 * pass stays linear in the text's length: a reply full of unclosed `**` or `[` (a model can be
 * led to write one) once took seconds on the main thread.
 */
interface Scan {
  depth: number;
  /** Per delimiter: searching for a closer from this position on finds none. */
  noCloser: Map<string, number>;
  /** For each `[`, the `]` that closes it (-1: none); computed on the first `[`. */
  brackets?: Int32Array;
  /** Searching for `)` from this position on finds none. */
  noParen: number;
  /** Where the last delimiter run measured ends, and its character: a later position inside
   *  it need not measure it again. */
  runEnd: number;
  runCh: string;
}

export function parseInline(src: string, depth = 0): Inline[] {
  if (depth > MAX_INLINE_DEPTH) return src ? [{ t: "text", text: src }] : [];
  const scan: Scan = { depth, noCloser: new Map(), noParen: Infinity, runEnd: -1, runCh: "" };
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ t: "text", text });
    text = "";
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === "\\" && i + 1 < src.length && PUNCT.test(src[i + 1] as string)) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (c === "`") {
      const run = runLength(src, i, "`");
      const close = src.indexOf("`".repeat(run), i + run);
      if (close > i && runLength(src, close, "`") === run) {
        flush();
        out.push({ t: "code", text: trimCode(src.slice(i + run, close)) });
        i = close + run;
        continue;
      }
      text += src.slice(i, i + run);
      i += run;
      continue;
    }
    if (c === "[") {
      const link = matchLink(src, i, scan);
      if (link) {
        flush();
        out.push({ t: "link", href: link.href, children: parseInline(link.label, depth + 1) });
        i = link.end;
        continue;
      }
    }
    const em = matchEmphasis(src, i, scan);
    if (em) {
      flush();
      out.push(em.node);
      i = em.end;
      continue;
    }
    text += c;
    i++;
  }
  flush();
  return out;
}

function matchEmphasis(src: string, i: number, scan: Scan): { node: Inline; end: number } | null {
  const c = src[i];
  if (c !== "*" && c !== "_" && c !== "~") return null;
  // `_` inside a word (snake_case) is not emphasis.
  if (c === "_" && i > 0 && /\w/.test(src[i - 1] as string)) return null;
  if (scan.runCh !== c || i >= scan.runEnd) {
    scan.runCh = c;
    scan.runEnd = i + runLength(src, i, c);
  }
  const run = scan.runEnd - i;
  const tries: [string, (children: Inline[]) => Inline][] =
    c === "~" ? [["~~", (ch) => ({ t: "strike", children: ch })]]
      : [
          [c.repeat(3), (ch) => ({ t: "bold", children: [{ t: "italic", children: ch }] })],
          [c.repeat(2), (ch) => ({ t: "bold", children: ch })],
          [c, (ch) => ({ t: "italic", children: ch })],
        ];
  for (const [delim, make] of tries) {
    if (run < delim.length) continue;
    const start = i + delim.length;
    if (start >= src.length || /\s/.test(src[start] as string)) continue;
    const close = findCloser(src, start, delim, scan);
    if (close < 0) continue;
    return { node: make(parseInline(src.slice(start, close), scan.depth + 1)), end: close + delim.length };
  }
  return null;
}

/** The closing delimiter: same run length, not after whitespace, not inside a code span. */
function findCloser(src: string, from: number, delim: string, scan: Scan): number {
  // None from an earlier position means none from a later one (what qualifies a closer does
  // not depend on where the search began).
  if (from >= (scan.noCloser.get(delim) ?? Infinity)) return -1;
  const found = closerFrom(src, from, delim);
  if (found < 0) scan.noCloser.set(delim, from);
  return found;
}

function closerFrom(src: string, from: number, delim: string): number {
  const ch = delim[0] as string;
  let i = from;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === "\\") { i += 2; continue; }
    if (c === "`") {
      const run = runLength(src, i, "`");
      const close = src.indexOf("`".repeat(run), i + run);
      i = close > i ? close + run : i + run;
      continue;
    }
    if (c === ch) {
      const run = runLength(src, i, ch);
      const afterOk = ch !== "_" || i + run >= src.length || !/\w/.test(src[i + run] as string);
      if (run === delim.length && i > from && !/\s/.test(src[i - 1] as string) && afterOk) return i;
      // `**bold *it***`: a run of three closes the inner `*` first, then this delimiter.
      if (run === 3 && delim.length < 3 && i > from && !/\s/.test(src[i - 1] as string) && afterOk) return i + 3 - delim.length;
      i += run;
      continue;
    }
    i++;
  }
  return -1;
}

function matchLink(src: string, i: number, scan: Scan): { label: string; href: string; end: number } | null {
  scan.brackets ??= matchBrackets(src);
  const j = scan.brackets[i] ?? -1;
  if (j < 0 || src[j + 1] !== "(") return null;
  if (j + 2 >= scan.noParen) return null;
  const close = src.indexOf(")", j + 2);
  if (close < 0) {
    scan.noParen = j + 2;
    return null;
  }
  const href = src.slice(j + 2, close).trim();
  if (!SAFE_HREF.test(href)) return null;
  return { label: src.slice(i + 1, j), href, end: close + 1 };
}

/**
 * For every `[` its closing `]` (nested pairs count, a backslash escapes the next character),
 * in one pass: the `]` where the bracket depth counted from that `[` first returns to zero.
 */
function matchBrackets(src: string): Int32Array {
  const match = new Int32Array(src.length).fill(-1);
  const open: number[] = [];
  for (let j = 0; j < src.length; j++) {
    const c = src[j];
    if (c === "\\") j++;
    else if (c === "[") open.push(j);
    else if (c === "]" && open.length > 0) match[open.pop() as number] = j;
  }
  return match;
}

function runLength(src: string, i: number, ch: string): number {
  let n = 0;
  while (src[i + n] === ch) n++;
  return n;
}

function trimCode(s: string): string {
  return s.length > 2 && s.startsWith(" ") && s.endsWith(" ") ? s.slice(1, -1) : s;
}
