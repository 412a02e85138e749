// Block[] → chunks that each fit one platform message. Blocks are packed greedily; a code
// block is never cut unless it alone is too long — then it becomes several code blocks cut at
// line boundaries (same language). Lengths are measured on the plain-text rendering against a
// budget below the platform limit, leaving room for what a channel's format adds: UTF-16 code
// units always, and UTF-8 bytes too where the platform declares a byte limit. A cut inside a
// word falls between grapheme clusters (never inside a surrogate pair, an emoji sequence or a
// letter and its accents), and every length is counted once, so splitting stays linear.
import type { Block, ChannelPlugin, Inline } from "../contracts/channel.ts";
import { blockPlain, inlinePlain } from "./render.ts";

const SEP = 2; // the blank line between blocks

/** What one chunk may hold: UTF-16 code units and UTF-8 bytes of its plain rendering. */
export interface Budget {
  chars: number;
  bytes: number;
}

export type Limits = Pick<ChannelPlugin, "maxTextLength" | "maxTextBytes">;

/** The measuring budget for a platform's limits: 90 % of each, at least one code point. */
export function budgetFor(limits: number | Limits): Budget {
  const { maxTextLength, maxTextBytes } = typeof limits === "number" ? { maxTextLength: limits, maxTextBytes: undefined } : limits;
  return {
    chars: Math.max(1, Math.floor(maxTextLength * 0.9)),
    bytes: maxTextBytes === undefined ? Number.POSITIVE_INFINITY : Math.max(4, Math.floor(maxTextBytes * 0.9)),
  };
}

const asBudget = (b: number | Budget): Budget => (typeof b === "number" ? { chars: b, bytes: Number.POSITIVE_INFINITY } : b);
const fits = (chars: number, bytes: number, b: Budget) => chars <= b.chars && bytes <= b.bytes;
const less = (b: Budget, n: number): Budget => ({ chars: Math.max(1, b.chars - n), bytes: Math.max(4, b.bytes - n) });

export function splitBlocks(blocks: Block[], budget: number | Budget): Block[][] {
  const b = asBudget(budget);
  const chunks: Block[][] = [];
  let cur: Block[] = [];
  let chars = 0;
  let bytes = 0;
  for (const block of blocks.flatMap((x) => fitBlock(x, b))) {
    const text = blockPlain(block);
    const n = text.length;
    const nb = utf8Length(text);
    if (cur.length && !fits(chars + SEP + n, bytes + SEP + nb, b)) {
      chunks.push(cur);
      cur = [];
      chars = bytes = 0;
    }
    chars += (cur.length ? SEP : 0) + n;
    bytes += (cur.length ? SEP : 0) + nb;
    cur.push(block);
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

/** One block, or the pieces it must become because it alone is longer than the budget. */
function fitBlock(b: Block, budget: Budget): Block[] {
  const plain = blockPlain(b);
  if (fits(plain.length, utf8Length(plain), budget)) return [b];
  switch (b.t) {
    case "code_block":
      return cutLines(b.text, budget).map((text) => ({ t: "code_block", ...(b.lang ? { lang: b.lang } : {}), text }));
    case "list": {
      const out: Block[] = [];
      let items: Inline[][] = [];
      // blockPlain's size of the list so far, kept as items are added (measuring the whole
      // list again for each item took a long list's length squared).
      let chars = 0;
      let bytes = 0;
      const push = () => { if (items.length) out.push({ t: "list", ordered: b.ordered, items }); items = []; chars = bytes = 0; };
      // An item's line as blockPlain writes it at `index` (0-based): "3. text" or "• text"
      // ("•" is one code unit, three bytes).
      const marker = (index: number) => (b.ordered ? String(index + 1).length + 1 : 1);
      const markerBytes = (index: number) => (b.ordered ? String(index + 1).length + 1 : 3);
      for (const item of b.items) {
        const text = inlinePlain(item);
        const width = text.length;
        const size = utf8Length(text);
        if (items.length && !fits(chars + 2 + marker(items.length) + width, bytes + 2 + markerBytes(items.length) + size, budget)) push();
        if (!fits(marker(0) + 1 + width, markerBytes(0) + 1 + size, budget)) {
          out.push(...cutText(text, less(budget, 4)).map((t): Block => ({ t: "para", children: [{ t: "text", text: t }] })));
        } else {
          chars += (items.length ? 1 : 0) + marker(items.length) + 1 + width;
          bytes += (items.length ? 1 : 0) + markerBytes(items.length) + 1 + size;
          items.push(item);
        }
      }
      push();
      return out;
    }
    default:
      // A single over-long paragraph, heading or quote loses its inline formatting when cut.
      return cutText(inlinePlain(b.children), budget).map((text): Block => b.t === "quote" ? { t: "quote", children: [{ t: "text", text }] } : { t: "para", children: [{ t: "text", text }] });
  }
}

/** Cuts text at line ends where possible; a single line longer than the budget is cut hard. */
export function cutLines(text: string, budget: number | Budget): string[] {
  const b = asBudget(budget);
  const out: string[] = [];
  let cur: string | null = null;
  let chars = 0;
  let bytes = 0;
  for (const raw of text.split("\n")) {
    const rawBytes = utf8Length(raw);
    for (const line of fits(raw.length, rawBytes, b) ? [raw] : hardCut(raw, b)) {
      const n = line.length;
      const nb = line === raw ? rawBytes : utf8Length(line);
      if (cur !== null && !fits(chars + 1 + n, bytes + 1 + nb, b)) {
        out.push(cur);
        cur = null;
      }
      if (cur === null) {
        cur = line;
        chars = n;
        bytes = nb;
      } else {
        cur = `${cur}\n${line}`;
        chars += 1 + n;
        bytes += 1 + nb;
      }
    }
  }
  out.push(cur ?? "");
  return out;
}

/** Cuts prose at whitespace where possible (the space or newline cut at is dropped). */
function cutText(text: string, budget: Budget): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const lim = fitEnd(text, start, budget);
    if (lim >= text.length) break;
    const at = lastSpace(text, start, lim);
    if (at >= 0) {
      out.push(text.slice(start, at));
      start = at + 1;
    } else {
      const end = clusterEnd(text, start, lim);
      out.push(text.slice(start, end));
      start = end;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/**
 * A space or newline at or before `lim` but in the back half of [start, lim], or -1. Scanned by
 * hand: `lastIndexOf` has no lower bound and would search back to the text's start on every cut.
 */
function lastSpace(s: string, start: number, lim: number): number {
  for (let i = lim; 2 * i >= start + lim && i > start; i--) {
    const c = s.charCodeAt(i);
    if (c === 0x20 || c === 0x0a) return i;
  }
  return -1;
}

/** Pieces within the budget, cut between grapheme clusters (a lone over-long cluster between code points). */
export function hardCut(s: string, budget: number | Budget): string[] {
  const b = asBudget(budget);
  const out: string[] = [];
  let start = 0;
  while (start < s.length) {
    let end = fitEnd(s, start, b);
    if (end < s.length) end = clusterEnd(s, start, end);
    out.push(s.slice(start, end));
    start = end;
  }
  return out;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** UTF-8 bytes of `s` as TextEncoder writes it (a lone surrogate becomes U+FFFD, 3 bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (isHigh(c) && isLow(s.charCodeAt(i + 1))) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/**
 * The end of the longest run of whole code points from `start` within the budget — at least
 * one code point, so every cut makes progress. Bytes are summed as the walk goes.
 */
function fitEnd(s: string, start: number, b: Budget): number {
  let i = start;
  let bytes = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    const pair = isHigh(c) && isLow(s.charCodeAt(i + 1));
    const units = pair ? 2 : 1;
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (i > start && !fits(i - start + units, bytes + size, b)) break;
    bytes += size;
    i += units;
  }
  return i;
}

const graphemes = new Intl.Segmenter("und", { granularity: "grapheme" });
// How much text around a cut the segmenter sees. Clusters are short (a family emoji is 11 code
// units, a subdivision flag 14); a longer one is cut between code points instead.
const CONTEXT = 64;

/**
 * The last grapheme-cluster boundary in (start, end], or `end` (a code point boundary) when the
 * cluster there began at or before `start`. Only a window before `end` is segmented, so a cut
 * costs the same however long the text; the window starts at `start` (a boundary already) or
 * is moved back to the start of a run of regional indicators, whose pairing (flags) depends on
 * how many came before.
 */
function clusterEnd(s: string, start: number, end: number): number {
  if (end >= s.length) return end;
  let lo = Math.max(start, end - CONTEXT);
  if (lo > start && isLow(s.charCodeAt(lo)) && isHigh(s.charCodeAt(lo - 1))) lo--;
  if (isRegional(s, lo)) while (lo > start && isRegional(s, lo - 2)) lo -= 2;
  let best = -1;
  for (const { index } of graphemes.segment(s.slice(lo, Math.min(s.length, end + 4)))) {
    const at = lo + index;
    if (at > end) break;
    if (at > start && at > lo) best = at;
  }
  return best > 0 ? best : end;
}

/** A regional indicator (U+1F1E6..U+1F1FF, half a flag) at `i`. */
function isRegional(s: string, i: number): boolean {
  return i >= 0 && s.charCodeAt(i) === 0xd83c && s.charCodeAt(i + 1) >= 0xdde6 && s.charCodeAt(i + 1) <= 0xddff;
}
