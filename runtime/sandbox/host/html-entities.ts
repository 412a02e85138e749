// html.toMarkdown's character references: numeric ones, and the named ones pages actually use
// (the full table has 2,231 names; a rare one is left as written). Scanned by hand: &, then
// #digits (≤ 7), #x/#X hex digits (≤ 6) or a name (2–32 letters and digits), then an optional ';'.
import { HASH, SEMI, isDigit, isHex, isLetter } from "./html-chars.ts";

const NAMED = new Map<string, string>(Object.entries({
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", copy: "©", reg: "®", trade: "™",
  mdash: "—", ndash: "–", hellip: "…", laquo: "«", raquo: "»", lsquo: "‘", rsquo: "’", sbquo: "‚",
  ldquo: "“", rdquo: "”", bdquo: "„", bull: "•", middot: "·", euro: "€", pound: "£", yen: "¥",
  cent: "¢", times: "×", divide: "÷", deg: "°", plusmn: "±", para: "¶", sect: "§", shy: "\u00ad",
  iexcl: "¡", iquest: "¿", dagger: "†", Dagger: "‡", permil: "‰", prime: "′", Prime: "″",
  larr: "←", rarr: "→", uarr: "↑", darr: "↓", harr: "↔", le: "≤", ge: "≥", ne: "≠", minus: "−",
  frac12: "½", frac14: "¼", frac34: "¾", sup2: "²", sup3: "³", micro: "µ", ensp: "\u2002",
  emsp: "\u2003", thinsp: "\u2009", zwnj: "\u200c", zwj: "\u200d", check: "✓", hearts: "♥",
  auml: "ä", ouml: "ö", uuml: "ü", Auml: "Ä", Ouml: "Ö", Uuml: "Ü", szlig: "ß", aring: "å", Aring: "Å",
  aelig: "æ", AElig: "Æ", oslash: "ø", Oslash: "Ø", eacute: "é", Eacute: "É", egrave: "è", Egrave: "È",
  ecirc: "ê", euml: "ë", aacute: "á", Aacute: "Á", agrave: "à", Agrave: "À", acirc: "â", atilde: "ã",
  iacute: "í", igrave: "ì", icirc: "î", iuml: "ï", oacute: "ó", ograve: "ò", ocirc: "ô", otilde: "õ",
  uacute: "ú", ugrave: "ù", ucirc: "û", ccedil: "ç", Ccedil: "Ç", ntilde: "ñ", Ntilde: "Ñ", yacute: "ý",
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", pi: "π", sigma: "σ", omega: "ω", mu: "μ", lambda: "λ",
}));
// What &#128;–&#159; mean in HTML (windows-1252), per the HTML spec's parse rules.
const C1 = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";

function numeric(n: number): string {
  if (n >= 128 && n <= 159) return C1[n - 128]!;
  if (n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return "\ufffd";
  return String.fromCodePoint(n);
}

export function decodeEntities(s: string): string {
  let amp = s.indexOf("&");
  if (amp === -1) return s;
  let out = "";
  let copied = 0;
  while (amp !== -1) {
    const text = reference(s, amp);
    if (text !== null) {
      out += s.slice(copied, amp) + text;
      copied = referenceEnd;
    }
    amp = s.indexOf("&", text === null ? amp + 1 : referenceEnd);
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/** Where the reference `reference` last decoded ends (a result without an object per call). */
let referenceEnd = 0;

/** The text of the reference at s[amp] === '&' (its end in `referenceEnd`), or null when it is not a known one. */
function reference(s: string, amp: number): string | null {
  let i = amp + 1;
  if (s.charCodeAt(i) === HASH) {
    const hex = (s.charCodeAt(i + 1) | 0x20) === 120; // 'x' or 'X'
    const start = hex ? i + 2 : i + 1;
    const max = hex ? 6 : 7;
    i = start;
    while (i < s.length && i - start < max && (hex ? isHex(s.charCodeAt(i)) : isDigit(s.charCodeAt(i)))) i++;
    if (i === start) return null;
    referenceEnd = s.charCodeAt(i) === SEMI ? i + 1 : i;
    return numeric(parseInt(s.slice(start, i), hex ? 16 : 10));
  }
  if (!isLetter(s.charCodeAt(i))) return null;
  i++;
  while (i < s.length && i - amp <= 32 && (isLetter(s.charCodeAt(i)) || isDigit(s.charCodeAt(i)))) i++;
  if (i - amp < 3) return null; // a name has at least two characters
  const v = NAMED.get(s.slice(amp + 1, i));
  if (v === undefined) return null;
  referenceEnd = s.charCodeAt(i) === SEMI ? i + 1 : i;
  return v;
}
