// Blocks back to text: `plainText` is how long a chunk is when read (what the splitter
// measures), `markdownText` is the Markdown source of a chunk (Message.text beside its blocks).
import type { Block, Inline } from "../contracts/channel.ts";

export function inlinePlain(inl: Inline[]): string {
  return inl.map((n) => (n.t === "text" || n.t === "code" ? n.text : inlinePlain(n.children))).join("");
}

export function blockPlain(b: Block): string {
  switch (b.t) {
    case "para":
    case "heading":
    case "quote":
      return inlinePlain(b.children);
    case "code_block":
      return b.text;
    case "list":
      return b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : "•"} ${inlinePlain(it)}`).join("\n");
  }
}

export const plainText = (blocks: Block[]): string => blocks.map(blockPlain).join("\n\n");

function inlineMd(inl: Inline[]): string {
  return inl.map((n) => {
    switch (n.t) {
      case "text": return n.text.replace(/([\\`*_~[\]])/g, "\\$1");
      case "code": return n.text.includes("`") ? `\`\` ${n.text} \`\`` : `\`${n.text}\``;
      case "bold": return `**${inlineMd(n.children)}**`;
      case "italic": return `*${inlineMd(n.children)}*`;
      case "strike": return `~~${inlineMd(n.children)}~~`;
      case "link": return `[${inlineMd(n.children)}](${n.href})`;
    }
  }).join("");
}

function blockMd(b: Block): string {
  switch (b.t) {
    case "para": return inlineMd(b.children);
    case "heading": return `${"#".repeat(Math.min(6, Math.max(1, b.level)))} ${inlineMd(b.children)}`;
    case "quote": return inlineMd(b.children).split("\n").map((l) => `> ${l}`).join("\n");
    case "list": return b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : "-"} ${inlineMd(it)}`).join("\n");
    case "code_block": {
      const fence = b.text.includes("```") ? "~~~~" : "```";
      return `${fence}${b.lang ?? ""}\n${b.text}\n${fence}`;
    }
  }
}

export const markdownText = (blocks: Block[]): string => blocks.map(blockMd).join("\n\n");
