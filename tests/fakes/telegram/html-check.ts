// What Telegram does with `parse_mode: "HTML"`: only a few tags, balanced, and every `<`, `>`
// and `&` outside a tag escaped — otherwise 400 "can't parse entities". Returns the visible
// text (whose UTF-16 length is what the 4096 limit counts) or the reason it would be refused.
const TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a", "blockquote", "tg-spoiler", "span"]);
const ENTITY: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

export function parseTelegramHtml(html: string): { ok: true; text: string } | { ok: false; error: string } {
  const stack: string[] = [];
  let text = "";
  let i = 0;
  while (i < html.length) {
    const ch = html[i] as string;
    if (ch === "<") {
      const end = html.indexOf(">", i);
      if (end < 0) return { ok: false, error: `Unclosed start tag at byte offset ${i}` };
      const inner = html.slice(i + 1, end);
      const m = /^(\/?)([a-z-]+)(\s+[a-z-]+="[^"<>]*")*\s*$/.exec(inner);
      if (!m || !TAGS.has(m[2] as string)) return { ok: false, error: `Unsupported start tag "${inner.slice(0, 20)}" at byte offset ${i}` };
      if (m[1]) {
        if (stack.pop() !== m[2]) return { ok: false, error: `Unmatched end tag at byte offset ${i}, expected "</${stack.at(-1) ?? ""}>"` };
      } else {
        if (m[2] === "a" && !/\shref="[^"]+"/.test(inner)) return { ok: false, error: "a tag without href" };
        stack.push(m[2] as string);
      }
      i = end + 1;
    } else if (ch === ">") {
      return { ok: false, error: `Unexpected end tag at byte offset ${i}` };
    } else if (ch === "&") {
      const m = /^&(lt|gt|amp|quot|#\d+);/.exec(html.slice(i, i + 10));
      if (!m) return { ok: false, error: `Character entity expected at byte offset ${i}` };
      const name = m[1] as string;
      text += ENTITY[name] ?? String.fromCodePoint(Number(name.slice(1)));
      i += m[0].length;
    } else {
      text += ch;
      i++;
    }
  }
  if (stack.length) return { ok: false, error: `Can't find end tag corresponding to start tag "${stack.at(-1)}"` };
  return { ok: true, text };
}
