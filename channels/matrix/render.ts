// Block tree → Matrix `m.text` content: a plain `body` for clients without HTML and an
// `org.matrix.custom.html` `formatted_body` where every piece of user text is escaped, so text
// like "<b>" or "&amp;" shows literally and can never inject markup.
import type { Block, Inline, Message } from "../../runtime/contracts/channel.ts";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** Only web links become anchors; anything else (javascript:, data:) is shown as text. */
function safeHref(href: string): string | null {
  return /^(https?:|mailto:|matrix:)/i.test(href) ? href : null;
}

function inlineHtml(xs: Inline[]): string {
  return xs.map((x) => {
    switch (x.t) {
      case "text": return escapeHtml(x.text).replace(/\n/g, "<br>");
      case "bold": return `<strong>${inlineHtml(x.children)}</strong>`;
      case "italic": return `<em>${inlineHtml(x.children)}</em>`;
      case "strike": return `<del>${inlineHtml(x.children)}</del>`;
      case "code": return `<code>${escapeHtml(x.text)}</code>`;
      case "link": {
        const href = safeHref(x.href);
        return href ? `<a href="${escapeHtml(href)}">${inlineHtml(x.children)}</a>` : `${inlineHtml(x.children)} (${escapeHtml(x.href)})`;
      }
    }
  }).join("");
}

function inlineText(xs: Inline[]): string {
  return xs.map((x) => {
    switch (x.t) {
      case "text": case "code": return x.text;
      case "link": {
        const label = inlineText(x.children);
        return label === x.href ? label : `${label} (${x.href})`;
      }
      default: return inlineText(x.children);
    }
  }).join("");
}

function blockHtml(b: Block): string {
  switch (b.t) {
    case "para": return `<p>${inlineHtml(b.children)}</p>`;
    case "heading": {
      const n = Math.min(6, Math.max(1, Math.trunc(b.level)));
      return `<h${n}>${inlineHtml(b.children)}</h${n}>`;
    }
    case "code_block": {
      const lang = b.lang && /^[\w+#.-]{1,32}$/.test(b.lang) ? ` class="language-${b.lang}"` : "";
      return `<pre><code${lang}>${escapeHtml(b.text)}</code></pre>`;
    }
    case "list": {
      const tag = b.ordered ? "ol" : "ul";
      return `<${tag}>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join("")}</${tag}>`;
    }
    case "quote": return `<blockquote>${inlineHtml(b.children)}</blockquote>`;
  }
}

function blockText(b: Block): string {
  switch (b.t) {
    case "para": case "heading": return inlineText(b.children);
    case "code_block": return b.text.replace(/\n$/, "");
    case "list": return b.items.map((i, n) => `${b.ordered ? `${n + 1}.` : "•"} ${inlineText(i)}`).join("\n");
    case "quote": return inlineText(b.children).split("\n").map((l) => `> ${l}`).join("\n");
  }
}

export interface TextContent {
  msgtype: "m.text" | "m.notice";
  body: string;
  format?: "org.matrix.custom.html";
  formatted_body?: string;
}

/** The hint added under a message that carries buttons (Matrix has no buttons). */
export function buttonHint(buttons: { id: string; label: string }[], text = ""): string {
  const [yes, no] = pickButtons(buttons);
  const react = [yes && `👍 ${yes.label}`, no && `👎 ${no.label}`].filter(Boolean).join(" or ");
  // Ids shaped "<verb>:<id>" can also be answered by a "/verb id" reply; say so unless the
  // text already does (the router's approval prompt does).
  const cmds = buttons.filter((b) => /^[a-z]+:\S+$/.test(b.id)).map((b) => `/${b.id.replace(":", " ")}`).filter((c) => !text.includes(c));
  return cmds.length ? `React ${react} — or reply ${cmds.join(" / ")}` : `React ${react}`;
}

/** Which button 👍 and 👎 stand for: the approve/deny-looking ones, else the first two. */
export function pickButtons<B extends { id: string; label: string }>(buttons: B[]): [B | undefined, B | undefined] {
  const find = (re: RegExp) => buttons.find((b) => re.test(b.id) || re.test(b.label));
  const yes = find(/approve|allow|yes|accept/i) ?? buttons[0];
  const no = find(/deny|reject|\bno\b|decline/i) ?? buttons.find((b) => b !== yes);
  return [yes, no === yes ? undefined : no];
}

export function renderText(message: Message): TextContent {
  const hint = message.buttons?.length ? buttonHint(message.buttons, message.text) : undefined;
  if (!message.blocks?.length) {
    const body = hint ? `${message.text}\n\n${hint}` : message.text;
    return { msgtype: "m.text", body };
  }
  let body = message.blocks.map(blockText).join("\n\n");
  let html = message.blocks.map(blockHtml).join("");
  if (hint) {
    body += `\n\n${hint}`;
    html += `<p><em>${escapeHtml(hint)}</em></p>`;
  }
  return { msgtype: "m.text", body, format: "org.matrix.custom.html", formatted_body: html };
}
