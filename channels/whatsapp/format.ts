// Block tree → WhatsApp's own markup: *bold*, _italic_, ~strike~, `inline`, ```block```.
// WhatsApp has no escape character, so a literal marker that could open a span is defused
// with a zero-width space after it; the reader sees the same characters.
import type { Block, Inline } from "../../runtime/contracts/channel.ts";

const ZWSP = "\u200B";
const MARKS: Record<"bold" | "italic" | "strike", string> = { bold: "*", italic: "_", strike: "~" };

/** Literal text: a marker at a word start followed by a non-space would open a span — break it. */
export function escapeWhatsApp(text: string): string {
  return text
    .replace(/```/g, `\`${ZWSP}\`${ZWSP}\``)
    .replace(/(^|[\s([{"'.,;:!?-])([*_~`])(?=\S)/g, `$1$2${ZWSP}`);
}

/** Markers only work hugging non-space text: move edge whitespace outside the span. */
function wrap(mark: string, inner: string): string {
  // trim's whitespace is exactly \s (a lazy regex here took a long span's length squared).
  const core = inner.trim();
  if (!core) return inner;
  const lead = inner.slice(0, inner.length - inner.trimStart().length);
  const trail = inner.slice(inner.trimEnd().length);
  return `${lead}${mark}${core}${mark}${trail}`;
}

function inlineCode(text: string): string {
  if (!text) return "";
  // Inline `code` cannot hold a backtick or a line break; triple-backtick monospace can.
  if (/[`\n]/.test(text)) return "```" + text.replace(/```/g, `\`${ZWSP}\`${ZWSP}\``) + "```";
  return "`" + text + "`";
}

export function renderInline(nodes: Inline[]): string {
  return nodes.map((n) => {
    switch (n.t) {
      case "text": return escapeWhatsApp(n.text);
      case "code": return inlineCode(n.text);
      case "bold":
      case "italic":
      case "strike": return wrap(MARKS[n.t], renderInline(n.children));
      case "link": {
        const label = renderInline(n.children);
        // WhatsApp links bare URLs itself; show the target so the reader knows where it goes.
        return !label || label === n.href || label === escapeWhatsApp(n.href) ? n.href : `${label} (${n.href})`;
      }
    }
  }).join("");
}

function renderBlock(b: Block): string {
  switch (b.t) {
    case "para": return renderInline(b.children);
    case "heading": return wrap("*", renderInline(b.children));
    case "quote": return renderInline(b.children).split("\n").map((l) => `> ${l}`).join("\n");
    case "list": return b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : "•"} ${renderInline(it)}`).join("\n");
    case "code_block": return "```\n" + b.text.replace(/```/g, `\`${ZWSP}\`${ZWSP}\``) + "\n```";
  }
}

export function renderBlocks(blocks: Block[]): string {
  return blocks.map(renderBlock).filter((s) => s.length > 0).join("\n\n");
}

/**
 * `approve:<id>` button ids (the router's) become the commands a WhatsApp user can type;
 * a command the text already spells out is not repeated.
 */
export function renderButtons(buttons: { id: string; label: string }[], body = ""): string {
  return buttons.flatMap((b) => {
    const m = /^([a-z]+):(.+)$/i.exec(b.id);
    if (!m) return [`${b.label}: ${b.id}`];
    const command = `/${m[1]!.toLowerCase()} ${m[2]}`;
    return body.includes(command) ? [] : [`${b.label}: ${command}`];
  }).join("\n");
}
