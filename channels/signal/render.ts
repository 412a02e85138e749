// Block[] → Signal text plus text-style ranges. Signal has no markup: styling is a list of
// `start:length:STYLE` ranges (BOLD, ITALIC, STRIKETHROUGH, MONOSPACE, SPOILER) over the plain
// text, counted in UTF-16 code units — which is what JavaScript string lengths are. So nothing
// needs escaping: `*stars*` in the model's text stay stars. Headings become bold lines, code
// blocks monospace lines, links "text (url)", lists "• item" / "1. item", quotes "│ line".
import type { Block, Inline } from "../../runtime/contracts/channel.ts";

export type Style = "BOLD" | "ITALIC" | "STRIKETHROUGH" | "MONOSPACE";

export interface Styled {
  text: string;
  /** signal-cli's `textStyle` values: "start:length:STYLE". */
  styles: string[];
}

class Builder {
  text = "";
  styles: string[] = [];
  push(s: string): void { this.text += s; }
  styled(style: Style, body: () => void): void {
    const start = this.text.length;
    body();
    const length = this.text.length - start;
    if (length > 0) this.styles.push(`${start}:${length}:${style}`);
  }
}

const INLINE_STYLE = { bold: "BOLD", italic: "ITALIC", strike: "STRIKETHROUGH" } as const;

function inline(b: Builder, nodes: Inline[]): void {
  for (const n of nodes) {
    switch (n.t) {
      case "text": b.push(n.text); break;
      case "code": b.styled("MONOSPACE", () => b.push(n.text)); break;
      case "bold": case "italic": case "strike": b.styled(INLINE_STYLE[n.t], () => inline(b, n.children)); break;
      case "link": {
        const before = b.text.length;
        inline(b, n.children);
        const label = b.text.slice(before);
        // A bare URL shows once; a labelled link shows both, since Signal cannot hide a target.
        if (label !== n.href && label !== n.href.replace(/^mailto:/, "")) b.push(label ? ` (${n.href})` : n.href);
        break;
      }
    }
  }
}

function block(b: Builder, blk: Block): void {
  switch (blk.t) {
    case "para": inline(b, blk.children); break;
    case "heading": b.styled("BOLD", () => inline(b, blk.children)); break;
    case "code_block": b.styled("MONOSPACE", () => b.push(blk.text)); break;
    case "list":
      blk.items.forEach((item, i) => {
        if (i) b.push("\n");
        b.push(blk.ordered ? `${i + 1}. ` : "• ");
        inline(b, item);
      });
      break;
    case "quote": {
      // Prefix every line of the quote, keeping the inner styles' offsets right.
      const inner = new Builder();
      inline(inner, blk.children);
      const lines = inner.text.split("\n");
      const base = b.text.length;
      const shift: number[] = [];
      let pos = 0;
      lines.forEach((line, i) => {
        shift.push(pos);
        b.push(`${i ? "\n" : ""}│ ${line}`);
        pos += line.length + 1;
      });
      for (const st of inner.styles) {
        const [s, l, name] = st.split(":") as [string, string, string];
        const start = Number(s);
        const lineOf = (at: number) => Math.max(0, shift.findLastIndex((p) => p <= at));
        const startOut = start + 2 * (lineOf(start) + 1);
        const endOut = start + Number(l) + 2 * (lineOf(start + Number(l) - 1) + 1);
        b.styles.push(`${base + startOut}:${endOut - startOut}:${name}`);
      }
      break;
    }
  }
}

export function renderBlocks(blocks: Block[]): Styled {
  const b = new Builder();
  blocks.forEach((blk, i) => {
    if (i) b.push("\n\n");
    block(b, blk);
  });
  return { text: b.text, styles: b.styles };
}
