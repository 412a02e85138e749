// iCalendar (RFC 5545) text ⇄ a tree of components. Unfolding, parameters (quoted too), TEXT
// escaping, and folding at 75 octets on output. Each property keeps its unfolded source line, so
// an update rewrites only what it changes.

export function parseICal(text) {
  const lines = String(text).replace(/\r\n|\r/g, "\n").replace(/\n[ \t]/g, "").split("\n");
  const root = { name: "ROOT", props: [], children: [] };
  const stack = [root];
  for (const line of lines) {
    if (line.trim() === "") continue;
    const p = parseLine(line);
    if (!p) continue;
    const top = stack[stack.length - 1];
    if (p.name === "BEGIN") {
      const c = { name: p.value.toUpperCase(), props: [], children: [] };
      top.children.push(c);
      stack.push(c);
    } else if (p.name === "END") {
      if (stack.length > 1) stack.pop();
    } else top.props.push(p);
  }
  return root;
}

function parseLine(line) {
  let i = 0, inQuote = false;
  for (; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') inQuote = !inQuote;
    else if (ch === ":" && !inQuote) break;
  }
  if (i >= line.length) return null;
  const head = line.slice(0, i), value = line.slice(i + 1);
  const parts = [];
  let cur = "", q = false;
  for (const ch of head) {
    if (ch === '"') q = !q;
    if (ch === ";" && !q) { parts.push(cur); cur = ""; } else cur += ch;
  }
  parts.push(cur);
  const params = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf("=");
    if (eq > 0) params[p.slice(0, eq).toUpperCase()] = p.slice(eq + 1).replace(/^"(.*)"$/, "$1");
  }
  return { name: parts[0].toUpperCase(), params, value, raw: line };
}

export const prop = (comp, name) => comp.props.find((p) => p.name === name);
export const props = (comp, name) => comp.props.filter((p) => p.name === name);
export const children = (comp, name) => comp.children.filter((c) => c.name === name);

export function unescapeText(v) {
  return String(v).replace(/\\([\\;,nN])/g, (_, c) => (c === "n" || c === "N" ? "\n" : c));
}

/** A UID as calendar_read shows it (TEXT unescaped), or undefined. */
export const uidOf = (comp) => (prop(comp, "UID") ? unescapeText(prop(comp, "UID").value) : undefined);

/** Control characters other than HTAB, CR and LF: TEXT may not hold them (RFC 5545 §3.3.11). */
export const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Every line break (CRLF, a bare CR, LF) is written as the escape \n and other control characters
 *  are dropped, so no input can start a property line of its own. */
export function escapeText(v) {
  return String(v).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r\n|\r|\n/g, "\\n").replace(new RegExp(CONTROL.source, "g"), "");
}

/** Folds one content line at 75 octets (UTF-8), never inside a multi-byte character. */
export function fold(line) {
  const out = [];
  let cur = "", bytes = 0;
  for (const ch of line) {
    const n = utf8Length(ch);
    if (bytes + n > (out.length === 0 ? 75 : 74)) { out.push(cur); cur = ""; bytes = 0; }
    cur += ch;
    bytes += n;
  }
  out.push(cur);
  return out.join("\r\n ");
}

function utf8Length(ch) {
  const c = ch.codePointAt(0);
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

export function serialize(comp) {
  const out = [];
  const walk = (c) => {
    if (c.name !== "ROOT") out.push(`BEGIN:${c.name}`);
    for (const p of c.props) out.push(fold(p.raw ?? line(p.name, p.params, p.value)));
    for (const k of c.children) walk(k);
    if (c.name !== "ROOT") out.push(`END:${c.name}`);
  };
  walk(comp);
  return out.join("\r\n") + "\r\n";
}

export function line(name, params, value) {
  const ps = Object.entries(params ?? {}).map(([k, v]) => `;${k}=${paramValue(v)}`).join("");
  return `${name}${ps}:${value}`;
}

/** A parameter value can hold neither DQUOTE nor control characters (RFC 5545 §3.1); one with
 *  ; : or , is quoted. */
function paramValue(v) {
  const s = String(v).replace(/[\u0000-\u0008\u000A-\u001F\u007F"]/g, "");
  return /[;:,]/.test(s) ? `"${s}"` : s;
}
