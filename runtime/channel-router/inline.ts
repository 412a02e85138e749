// Inline Markdown → Inline[]: code spans, **bold**/__bold__, *italic*/_italic_, ~~strike~~,
// [links](http…). A small, safe subset: anything it does not recognise (an unclosed `**`, a
// `javascript:` link, HTML like `<b>` or `&amp;`) stays literal text; channels escape it.
import type { Inline } from "../contracts/channel.ts";

const SAFE_HREF = /^(https?:\/\/|mailto:)[^\s]+$/i;
const PUNCT = /[!-/:-@[-`{-~]/;

export function parseInline(src: string): Inline[] {
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
      const link = matchLink(src, i);
      if (link) {
        flush();
        out.push({ t: "link", href: link.href, children: parseInline(link.label) });
        i = link.end;
        continue;
      }
    }
    const em = matchEmphasis(src, i);
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

function matchEmphasis(src: string, i: number): { node: Inline; end: number } | null {
  const c = src[i];
  if (c !== "*" && c !== "_" && c !== "~") return null;
  const run = runLength(src, i, c);
  // `_` inside a word (snake_case) is not emphasis.
  if (c === "_" && i > 0 && /\w/.test(src[i - 1] as string)) return null;
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
    const close = findCloser(src, start, delim);
    if (close < 0) continue;
    return { node: make(parseInline(src.slice(start, close))), end: close + delim.length };
  }
  return null;
}

/** The closing delimiter: same run length, not after whitespace, not inside a code span. */
function findCloser(src: string, from: number, delim: string): number {
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

function matchLink(src: string, i: number): { label: string; href: string; end: number } | null {
  let depth = 0;
  let j = i;
  for (; j < src.length; j++) {
    if (src[j] === "\\") { j++; continue; }
    if (src[j] === "[") depth++;
    else if (src[j] === "]" && --depth === 0) break;
  }
  if (j >= src.length || src[j + 1] !== "(") return null;
  const close = src.indexOf(")", j + 2);
  if (close < 0) return null;
  const href = src.slice(j + 2, close).trim();
  if (!SAFE_HREF.test(href)) return null;
  return { label: src.slice(i + 1, j), href, end: close + 1 };
}

function runLength(src: string, i: number, ch: string): number {
  let n = 0;
  while (src[i + n] === ch) n++;
  return n;
}

function trimCode(s: string): string {
  return s.length > 2 && s.startsWith(" ") && s.endsWith(" ") ? s.slice(1, -1) : s;
}
