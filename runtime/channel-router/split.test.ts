import { describe, expect, test } from "bun:test";
import type { Block } from "../contracts/channel.ts";
import { parseMarkdown } from "./markdown.ts";
import { blockPlain, plainText } from "./render.ts";
import { budgetFor, cutLines, hardCut, splitBlocks, utf8Length } from "./split.ts";
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

// ---- cuts between grapheme clusters, and byte budgets ----

const segmenter = new Intl.Segmenter("und", { granularity: "grapheme" });
/** Offsets where grapheme clusters of `s` start (and its end). */
const clusterStarts = (s: string) => new Set([...[...segmenter.segment(s)].map((x) => x.index), s.length]);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Pieces that rejoin to `s` (with `sep`) and each start and end between clusters of `s`. */
function expectClusterCuts(s: string, pieces: string[], sep = "") {
  expect(pieces.join(sep)).toBe(s);
  const starts = clusterStarts(s);
  let at = 0;
  for (const p of pieces) {
    expect(LONE_SURROGATE.test(p)).toBe(false);
    expect(starts.has(at)).toBe(true);
    at += p.length + sep.length;
  }
}

const CLUSTERS: [string, string][] = [
  ["emoji", "😀"],
  ["ZWJ family", "👨‍👩‍👧‍👦"],
  ["flag", "🇫🇷"],
  ["subdivision flag", "🏴󠁧󠁢󠁥󠁮󠁧󠁿"],
  ["skin tone", "👍🏽"],
  ["variation selector", "❤️"],
  ["combining marks", "e\u0301\u0323"],
  ["hangul jamo", "\u1100\u1161\u11A8"],
];

describe("cuts fall between grapheme clusters", () => {
  const BUDGET = 20;
  for (const [name, cluster] of CLUSTERS) {
    test(`${name}: at every cut position, in prose, in code and by hardCut`, () => {
      for (let k = 0; k <= BUDGET; k++) {
        const s = "x".repeat(k) + cluster.repeat(12);
        expectClusterCuts(s, hardCut(s, BUDGET));
        for (const p of hardCut(s, BUDGET)) expect(p.length).toBeLessThanOrEqual(BUDGET);
        const prose = splitBlocks([para(s)], BUDGET).map((c) => plainText(c));
        expectClusterCuts(s, prose);
        const code = splitBlocks([{ t: "code_block", text: s }], BUDGET).map((c) => plainText(c));
        expectClusterCuts(s, code);
        const msgs = markdownMessages(`\`\`\`\n${s}\n\`\`\``, Math.ceil(BUDGET / 0.9));
        expect(msgs.length).toBeGreaterThan(1);
        expectClusterCuts(s, msgs.map((m) => plainText(m.blocks ?? [])));
      }
    });
  }

  test("a run of flags is cut between flags wherever the run started", () => {
    for (let k = 0; k < 8; k++) {
      const s = "x".repeat(k) + "🇫🇷🇩🇪🇯🇵".repeat(100);
      expectClusterCuts(s, hardCut(s, 25));
      expectClusterCuts(s, hardCut(s, { chars: 1000, bytes: 33 }));
    }
  });

  test("a cluster longer than the budget is cut between code points, never inside a surrogate pair", () => {
    const zalgo = `a${"\u0301".repeat(50)}😀`;
    const tags = `🏴${"\u{E0067}".repeat(30)}`;
    for (const s of [zalgo, tags, "😀".repeat(10)]) {
      for (const budget of [1, 2, 3, 7]) {
        const pieces = hardCut(s, budget);
        expect(pieces.join("")).toBe(s);
        for (const p of pieces) expect(LONE_SURROGATE.test(p)).toBe(false);
      }
    }
  });

  test("a whitespace cut stays where it was", () => {
    expect(splitBlocks([para("😀😀 😀😀 😀😀")], 10).map((c) => plainText(c))).toEqual(["😀😀 😀😀", "😀😀"]);
  });
});

describe("byte budgets", () => {
  const utf8 = (s: string) => new TextEncoder().encode(s).length;
  const MATRIX = { maxTextLength: 16_000, maxTextBytes: 24 * 1024 };

  test("utf8Length counts as TextEncoder does, lone surrogates included", () => {
    for (const s of ["", "abc", "é中😀", "👨‍👩‍👧‍👦", "\uD83D", "x\uDE00y", "\uD83D\uD83D\uDE00", "🇫🇷".repeat(3)]) expect(utf8Length(s)).toBe(utf8(s));
  });

  test("budgetFor: 90 % of characters and of bytes; bytes unbounded when not declared", () => {
    expect(budgetFor(4096)).toEqual({ chars: 3686, bytes: Number.POSITIVE_INFINITY });
    expect(budgetFor(MATRIX)).toEqual({ chars: 14_400, bytes: 22_118 });
  });

  test("24,000 Chinese characters: every message within the byte budget, rejoining to the answer", () => {
    const answer = "中文回答测试，".repeat(4000).slice(0, 24_000);
    const msgs = markdownMessages(answer, MATRIX);
    expect(msgs.length).toBeGreaterThanOrEqual(4);
    const texts = msgs.map((m) => plainText(m.blocks ?? []));
    for (const t of texts) expect(utf8(t)).toBeLessThanOrEqual(22_118);
    expect(texts.join("")).toBe(answer);
    // Characters alone (no byte limit): two messages, as before.
    expect(markdownMessages(answer, 16_000)).toHaveLength(2);
  });

  test("bytes bound code blocks, lists and the packing of blocks too", () => {
    const b = { chars: 1000, bytes: 300 };
    const code = Array.from({ length: 40 }, (_, i) => `行${i}：${"字".repeat(i % 7)}`).join("\n");
    const chunks = splitBlocks([para("前言。".repeat(30)), { t: "code_block", lang: "txt", text: code }, { t: "list", ordered: false, items: Array.from({ length: 30 }, () => [{ t: "text" as const, text: "项目内容" }]) }], b);
    for (const c of chunks) expect(utf8(plainText(c))).toBeLessThanOrEqual(300);
    const codeText = chunks.flat().filter((x) => x.t === "code_block").map((x) => (x.t === "code_block" ? x.text : "")).join("\n");
    expect(codeText).toBe(code);
    expect(cutLines("😀".repeat(30), { chars: 1000, bytes: 40 })).toEqual(["😀".repeat(10), "😀".repeat(10), "😀".repeat(10)]);
  });

  // Quadratic work on these would run for minutes, far past the test's time limit; no timing is asserted.
  test("hostile input splits whole: huge clusters, flag runs, CJK without spaces", () => {
    const size = 400_000;
    const inputs = [`a${"\u0301".repeat(size)}`, "🇫🇷".repeat(size / 4), "中".repeat(size), `e\u0301`.repeat(size / 2)];
    for (const s of inputs) {
      const msgs = markdownMessages(s, MATRIX);
      expect(msgs.map((m) => plainText(m.blocks ?? [])).join("")).toBe(s);
    }
  });
});
