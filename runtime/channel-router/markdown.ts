// Markdown → Block[] (the contract's tree), line by line: fenced code (``` or ~~~, with a
// language), ATX headings, block quotes, ordered/unordered lists, paragraphs. An unclosed
// fence runs to the end of the text, as in CommonMark. Nothing here ever produces HTML.
import type { Block } from "../contracts/channel.ts";
import { parseInline } from "./inline.ts";

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const BULLET = /^ {0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^ {0,3}\d{1,9}[.)]\s+(.*)$/;
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
    const fence = FENCE.exec(line);
    if (fence) {
      flushPara();
      const marker = fence[1] as string;
      const body: string[] = [];
      i++;
      while (i < lines.length && !isClosingFence(lines[i] as string, marker)) body.push(lines[i++] as string);
      i++; // the closing fence (or past the end)
      blocks.push({ t: "code_block", ...(fence[2] ? { lang: fence[2] } : {}), text: body.join("\n") });
      continue;
    }
    if (line.trim() === "") { flushPara(); i++; continue; }
    const heading = HEADING.exec(line);
    if (heading) {
      flushPara();
      blocks.push({ t: "heading", level: (heading[1] as string).length, children: parseInline(heading[2] ?? "") });
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

function isClosingFence(line: string, marker: string): boolean {
  const t = line.trim();
  return t.length >= marker.length && t[0] === marker[0] && new RegExp(`^\\${marker[0]}{${marker.length},}$`).test(t);
}
