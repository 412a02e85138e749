import { describe, expect, test } from "bun:test";
import type { Block } from "../contracts/channel.ts";
import { parseMarkdown } from "./markdown.ts";
import { blockPlain, plainText } from "./render.ts";
import { cutLines, splitBlocks } from "./split.ts";
import { markdownMessages } from "./reply.ts";

const para = (text: string): Block => ({ t: "para", children: [{ t: "text", text }] });

describe("splitBlocks", () => {
  test("short answers stay one chunk", () => {
    expect(splitBlocks([para("hi"), para("there")], 100)).toHaveLength(1);
  });

  test("blocks are packed greedily and every chunk fits the budget", () => {
    const blocks = Array.from({ length: 30 }, (_, i) => para(`paragraph ${i} `.repeat(5)));
    const chunks = splitBlocks(blocks, 300);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(plainText(c).length).toBeLessThanOrEqual(300);
    expect(chunks.flat()).toEqual(blocks);
  });

  test("a list longer than the budget is cut between items, each piece as full as fits", () => {
    for (const ordered of [false, true]) {
      const items = Array.from({ length: 150 }, (_, i) => [{ t: "text" as const, text: "w".repeat(1 + ((i * 37) % 23)) }]);
      const list: Block = { t: "list", ordered, items };
      const pieces = splitBlocks([list], 200).flat();
      expect(pieces.length).toBeGreaterThan(1);
      expect(pieces.flatMap((p) => (p.t === "list" ? p.items : []))).toEqual(items);
      pieces.forEach((p, k) => {
        if (p.t !== "list") throw new Error("a list piece");
        expect(blockPlain(p).length).toBeLessThanOrEqual(200);
        const next = pieces[k + 1];
        if (next?.t === "list") expect(blockPlain({ ...p, items: [...p.items, next.items[0]!] }).length).toBeGreaterThan(200);
      });
    }
  });

  test("a code block that fits is moved whole to the next chunk, never cut", () => {
    const code: Block = { t: "code_block", lang: "js", text: Array.from({ length: 10 }, (_, i) => `line ${i};`).join("\n") };
    const chunks = splitBlocks([para("x".repeat(150)), code], 200);
    expect(chunks).toEqual([[para("x".repeat(150))], [code]]);
  });

  test("a code block longer than the budget becomes several code blocks cut at line ends", () => {
    const lines = Array.from({ length: 60 }, (_, i) => `console.log(${i});`);
    const chunks = splitBlocks([{ t: "code_block", lang: "js", text: lines.join("\n") }], 200);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c).toHaveLength(1);
      const b = c[0] as Block;
      expect(b.t).toBe("code_block");
      if (b.t === "code_block") expect(b.lang).toBe("js");
      expect(blockPlain(b).length).toBeLessThanOrEqual(200);
    }
    expect(chunks.map((c) => blockPlain(c[0] as Block)).join("\n")).toBe(lines.join("\n"));
  });

  test("one over-long line is cut hard; an over-long paragraph at spaces", () => {
    expect(cutLines("a".repeat(25), 10)).toEqual(["aaaaaaaaaa", "aaaaaaaaaa", "aaaaa"]);
    const words = "word ".repeat(100).trim();
    const parts = splitBlocks([para(words)], 50).map((c) => plainText(c));
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(50);
    expect(parts.join(" ")).toBe(words);
  });

  test("markdownMessages: each message's blocks fit 90 % of the limit, and text is their Markdown", () => {
    const md = `${"Intro sentence. ".repeat(40)}\n\n\`\`\`py\n${"print('x')\n".repeat(30)}\`\`\`\n\nDone.`;
    const msgs = markdownMessages(md, 500);
    expect(msgs.length).toBeGreaterThan(1);
    for (const m of msgs) {
      expect(plainText(m.blocks ?? []).length).toBeLessThanOrEqual(450);
      expect(parseMarkdown(m.text)).toEqual(m.blocks ?? []);
    }
    expect(msgs.some((m) => m.blocks?.some((b) => b.t === "code_block" && b.text.split("\n").length === 30))).toBe(true);
  });
});
