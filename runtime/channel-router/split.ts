// Block[] → chunks that each fit one platform message. Blocks are packed greedily; a code
// block is never cut unless it alone is too long — then it becomes several code blocks cut at
// line boundaries (same language). Lengths are measured on the plain-text rendering against a
// budget below the platform limit, leaving room for what a channel's format adds.
import type { Block, Inline } from "../contracts/channel.ts";
import { blockPlain, inlinePlain } from "./render.ts";

const SEP = 2; // the blank line between blocks

/** The measuring budget for a platform limit: 90 % of it, and at least 1 character. */
export const budgetFor = (maxTextLength: number): number => Math.max(1, Math.floor(maxTextLength * 0.9));

export function splitBlocks(blocks: Block[], budget: number): Block[][] {
  const chunks: Block[][] = [];
  let cur: Block[] = [];
  let len = 0;
  for (const block of blocks.flatMap((b) => fitBlock(b, budget))) {
    const n = blockPlain(block).length;
    if (cur.length && len + SEP + n > budget) {
      chunks.push(cur);
      cur = [];
      len = 0;
    }
    len += (cur.length ? SEP : 0) + n;
    cur.push(block);
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

/** One block, or the pieces it must become because it alone is longer than the budget. */
function fitBlock(b: Block, budget: number): Block[] {
  if (blockPlain(b).length <= budget) return [b];
  switch (b.t) {
    case "code_block":
      return cutLines(b.text, budget).map((text) => ({ t: "code_block", ...(b.lang ? { lang: b.lang } : {}), text }));
    case "list": {
      const out: Block[] = [];
      let items: Inline[][] = [];
      // blockPlain's length of the list so far, kept as items are added (measuring the whole
      // list again for each item took a long list's length squared).
      let len = 0;
      const push = () => { if (items.length) out.push({ t: "list", ordered: b.ordered, items }); items = []; len = 0; };
      // An item's line as blockPlain writes it at `index` (0-based): "3. text" or "• text".
      const line = (index: number, width: number) => (b.ordered ? String(index + 1).length + 1 : 1) + 1 + width;
      for (const item of b.items) {
        const width = inlinePlain(item).length;
        if (items.length && len + 1 + line(items.length, width) > budget) push();
        if (line(0, width) > budget) {
          out.push(...cutText(inlinePlain(item), budget - 4).map((text): Block => ({ t: "para", children: [{ t: "text", text }] })));
        } else {
          len += (items.length ? 1 : 0) + line(items.length, width);
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
export function cutLines(text: string, budget: number): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  for (const raw of text.split("\n")) {
    for (const line of raw.length > budget ? hardCut(raw, budget) : [raw]) {
      if (cur !== null && cur.length + 1 + line.length > budget) {
        out.push(cur);
        cur = line;
      } else cur = cur === null ? line : `${cur}\n${line}`;
    }
  }
  out.push(cur ?? "");
  return out;
}

/** Cuts prose at whitespace where possible. */
function cutText(text: string, budget: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > budget) {
    let at = rest.lastIndexOf(" ", budget);
    const nl = rest.lastIndexOf("\n", budget);
    if (nl > at) at = nl;
    if (at < budget / 2) at = budget;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^[ \n]/, "");
  }
  if (rest) out.push(rest);
  return out;
}

function hardCut(s: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
}
