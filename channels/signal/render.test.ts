import { describe, expect, test } from "bun:test";
import type { Block } from "../../runtime/contracts/channel.ts";
import { renderBlocks } from "./render.ts";

/** The styled substrings, as a reader of the Signal message would see them. */
const styledParts = (r: { text: string; styles: string[] }) =>
  r.styles.map((s) => {
    const [start, len, style] = s.split(":");
    return [style, r.text.slice(Number(start), Number(start) + Number(len))];
  });

describe("renderBlocks", () => {
  test("bold, italic, strike and code become style ranges over plain text", () => {
    const r = renderBlocks([{ t: "para", children: [
      { t: "text", text: "Run " },
      { t: "code", text: "ls -la" },
      { t: "text", text: " — " },
      { t: "bold", children: [{ t: "text", text: "now " }, { t: "italic", children: [{ t: "text", text: "please" }] }] },
      { t: "strike", children: [{ t: "text", text: "later" }] },
    ] }]);
    expect(r.text).toBe("Run ls -la — now pleaselater");
    expect(styledParts(r)).toEqual([["MONOSPACE", "ls -la"], ["ITALIC", "please"], ["BOLD", "now please"], ["STRIKETHROUGH", "later"]]);
  });

  test("offsets count UTF-16 units, so emoji before a style do not shift it", () => {
    const r = renderBlocks([{ t: "para", children: [{ t: "text", text: "🎉👍🏽 " }, { t: "bold", children: [{ t: "text", text: "done" }] }] }]);
    expect(styledParts(r)).toEqual([["BOLD", "done"]]);
    expect(r.styles[0]).toBe(`${"🎉👍🏽 ".length}:4:BOLD`);
  });

  test("markup characters in text are not interpreted or escaped", () => {
    const r = renderBlocks([{ t: "para", children: [{ t: "text", text: "2*3*4 _x_ <b> ~~y~~ `z`" }] }]);
    expect(r).toEqual({ text: "2*3*4 _x_ <b> ~~y~~ `z`", styles: [] });
  });

  test("headings bold, code blocks monospace, lists bulleted, blocks separated by a blank line", () => {
    const blocks: Block[] = [
      { t: "heading", level: 2, children: [{ t: "text", text: "Plan" }] },
      { t: "list", ordered: true, items: [[{ t: "text", text: "one" }], [{ t: "text", text: "two" }]] },
      { t: "list", ordered: false, items: [[{ t: "text", text: "a" }]] },
      { t: "code_block", lang: "sh", text: "echo hi\necho there" },
    ];
    const r = renderBlocks(blocks);
    expect(r.text).toBe("Plan\n\n1. one\n2. two\n\n• a\n\necho hi\necho there");
    expect(styledParts(r)).toEqual([["BOLD", "Plan"], ["MONOSPACE", "echo hi\necho there"]]);
  });

  test("links show their target unless the label is the URL", () => {
    const r = renderBlocks([{ t: "para", children: [
      { t: "link", href: "https://a.example", children: [{ t: "text", text: "docs" }] },
      { t: "text", text: " " },
      { t: "link", href: "https://b.example", children: [{ t: "text", text: "https://b.example" }] },
    ] }]);
    expect(r.text).toBe("docs (https://a.example) https://b.example");
  });

  test("quotes prefix every line and keep inner styles on the right characters", () => {
    const r = renderBlocks([
      { t: "para", children: [{ t: "text", text: "He said:" }] },
      { t: "quote", children: [{ t: "text", text: "first line\nthe " }, { t: "bold", children: [{ t: "text", text: "second" }] }] },
    ]);
    expect(r.text).toBe("He said:\n\n│ first line\n│ the second");
    expect(styledParts(r)).toEqual([["BOLD", "second"]]);
  });

  test("a style spanning lines inside a quote covers the prefix between them", () => {
    const r = renderBlocks([{ t: "quote", children: [{ t: "italic", children: [{ t: "text", text: "ab\ncd" }] }] }]);
    expect(styledParts(r)).toEqual([["ITALIC", "ab\n│ cd"]]);
  });
});
