// Markdown → Block[] (the contract's tree), line by line: fenced code (``` or ~~~, with a
// language), ATX headings, block quotes, ordered/unordered lists, paragraphs. An unclosed
// fence runs to the end of the text, as in CommonMark. Nothing here ever produces HTML.
import type { Block } from "../contracts/channel.ts";
import { parseInline } from "./inline.ts";

// Fences and headings are taken apart by hand after these anchored prefixes: as whole-line
// patterns, a line of many spaces made them backtrack for the line's length squared (a 20 KB
// line held the main thread for 0.4 s).
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const HEADING_OPEN = /^ {0,3}(#{1,6})(?:\s|$)/;
// `s`: a line may hold U+2028, which `.` would not match, and the search would then backtrack
// over the spaces before it for the line's length squared.
const QUOTE = /^ {0,3}> ?(.*)$/s;
const BULLET = /^ {0,3}[-*+]\s+(.*)$/s;
const NUMBERED = /^ {0,3}\d{1,9}[.)]\s+(.*)$/s;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;

export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let para: string[] = [];
  const flushPara = () => {
    if (para.length) blocks.push({ t: "para", children: parseInline(para.join("\n")) });
    para = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const fence = fenceOf(line);
    if (fence) {
      flushPara();
      const { marker } = fence;
      const body: string[] = [];
      i++;
      while (i < lines.length && !isClosingFence(lines[i] as string, marker)) body.push(lines[i++] as string);
      i++; // the closing fence (or past the end)
      blocks.push({ t: "code_block", ...(fence.lang ? { lang: fence.lang } : {}), text: body.join("\n") });
      continue;
    }
    if (line.trim() === "") { flushPara(); i++; continue; }
    const heading = headingOf(line);
    if (heading) {
      flushPara();
      blocks.push({ t: "heading", level: heading.level, children: parseInline(heading.text) });
      i++;
      continue;
    }
    if (RULE.test(line) && !para.length) { i++; continue; }
    if (QUOTE.test(line)) {
      flushPara();
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i] as string)) body.push(QUOTE.exec(lines[i++] as string)?.[1] ?? "");
      blocks.push({ t: "quote", children: parseInline(body.join("\n")) });
      continue;
    }
    const ordered = NUMBERED.test(line);
    if (ordered || BULLET.test(line)) {
      flushPara();
      const item = ordered ? NUMBERED : BULLET;
      const items: string[] = [];
      while (i < lines.length) {
        const l = lines[i] as string;
        const m = item.exec(l);
        if (m) items.push(m[1] ?? "");
        else if (l.trim() !== "" && /^\s+/.test(l) && items.length) items[items.length - 1] += `\n${l.trim()}`;
        else break;
        i++;
      }
      blocks.push({ t: "list", ordered, items: items.map((s) => parseInline(s)) });
      continue;
    }
    para.push(line);
    i++;
  }
  flushPara();
  return blocks;
}

/** An opening code fence: its marker run and the language word after it. A backtick anywhere
 *  after the run means it is not a fence. */
function fenceOf(line: string): { marker: string; lang: string } | null {
  const m = FENCE_OPEN.exec(line);
  if (!m) return null;
  const rest = line.slice(m[0].length);
  if (rest.includes("`")) return null;
  return { marker: m[1] as string, lang: rest.trimStart().split(/\s/, 1)[0] ?? "" };
}

/** An ATX heading: its level and text, without the optional closing run of `#` (which must
 *  follow whitespace, or be all there is). */
function headingOf(line: string): { level: number; text: string } | null {
  const m = HEADING_OPEN.exec(line);
  if (!m) return null;
  let text = line.slice(m[0].length).trim();
  let end = text.length;
  while (end > 0 && text[end - 1] === "#") end--;
  if (end < text.length && (end === 0 || /\s/.test(text[end - 1] as string))) text = text.slice(0, end).trimEnd();
  return { level: (m[1] as string).length, text };
}

function isClosingFence(line: string, marker: string): boolean {
  const t = line.trim();
  return t.length >= marker.length && t[0] === marker[0] && new RegExp(`^\\${marker[0]}{${marker.length},}$`).test(t);
}
