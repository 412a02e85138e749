import { describe, expect, test } from "bun:test";
import type { Block, Inline } from "../../runtime/contracts/channel.ts";
import { escapeWhatsApp, renderBlocks, renderButtons } from "./format.ts";
import { messageText } from "./outbound.ts";

const Z = "\u200B";
const p = (...children: Inline[]): Block => ({ t: "para", children });
const text = (s: string) => ({ t: "text" as const, text: s });

describe("WhatsApp formatting", () => {
  test("bold, italic, strike, inline code and links use WhatsApp's markers", () => {
    const out = renderBlocks([p(
      { t: "bold", children: [text("Due")] }, text(" "),
      { t: "italic", children: [text("today")] }, text(", "),
      { t: "strike", children: [text("tomorrow")] }, text(" run "),
      { t: "code", text: "make test" }, text(" see "),
      { t: "link", href: "https://example.org/x", children: [text("the docs")] },
    )]);
    expect(out).toBe("*Due* _today_, ~tomorrow~ run `make test` see the docs (https://example.org/x)");
  });

  test("nested spans and spans with edge spaces still render", () => {
    const out = renderBlocks([p({ t: "bold", children: [text(" very "), { t: "italic", children: [text("important")] }, text(" ")] })]);
    expect(out).toBe(" *very _important_* ");
  });

  test("code blocks keep their text verbatim inside ``` fences", () => {
    const out = renderBlocks([{ t: "code_block", lang: "ts", text: "const a = *b* * 2;\n  return _x_;" }]);
    expect(out).toBe("```\nconst a = *b* * 2;\n  return _x_;\n```");
  });

  test("headings become bold, lists and quotes keep their shape", () => {
    const out = renderBlocks([
      { t: "heading", level: 2, children: [text("Plan")] },
      { t: "list", ordered: true, items: [[text("one")], [text("two")]] },
      { t: "list", ordered: false, items: [[text("milk")]] },
      { t: "quote", children: [text("line 1\nline 2")] },
    ]);
    expect(out).toBe("*Plan*\n\n1. one\n2. two\n\n• milk\n\n> line 1\n> line 2");
  });

  test("literal markers in text cannot open a span", () => {
    expect(escapeWhatsApp("*not bold* and _not italic_ and ~no~")).toBe(`*${Z}not bold* and _${Z}not italic_ and ~${Z}no~`);
    // markers inside words and multiplication with spaces are left alone
    expect(escapeWhatsApp("snake_case_name and 2 * 3")).toBe("snake_case_name and 2 * 3");
    expect(escapeWhatsApp("```x```")).not.toContain("```");
  });

  test("inline code with a backtick falls back to monospace", () => {
    expect(renderBlocks([p({ t: "code", text: "a`b" })])).toBe("```a`b```");
  });

  test("approval buttons become the commands to type", () => {
    expect(renderButtons([{ id: "approve:ap_12", label: "Approve" }, { id: "deny:ap_12", label: "Deny" }]))
      .toBe("Approve: /approve ap_12\nDeny: /deny ap_12");
    // the router's approval text already names the commands: not repeated
    expect(messageText({ text: "", blocks: [p(text("Reply "), { t: "code", text: "/approve ap_12" }, text(" or "), { t: "code", text: "/deny ap_12" })], buttons: [{ id: "approve:ap_12", label: "Approve" }, { id: "deny:ap_12", label: "Deny" }] }))
      .toBe("Reply `/approve ap_12` or `/deny ap_12`");
  });

  test("a message's text: blocks rendered, plain text escaped, commands appended", () => {
    expect(messageText({ text: "run *this*", format: "plain", buttons: [{ id: "approve:a1", label: "Approve" }] }))
      .toBe(`run *${Z}this*\n\nApprove: /approve a1`);
    expect(messageText({ text: "**hi**", format: "markdown", blocks: [p({ t: "bold", children: [text("hi")] })] })).toBe("*hi*");
  });
});
