// HTML character references → text: numeric ones, and the named ones pages actually use
// (the full table has 2,231 names; a rare one is left as written).
const NAMED = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", copy: "©", reg: "®", trade: "™",
  mdash: "—", ndash: "–", hellip: "…", laquo: "«", raquo: "»", lsquo: "‘", rsquo: "’", sbquo: "‚",
  ldquo: "“", rdquo: "”", bdquo: "„", bull: "•", middot: "·", euro: "€", pound: "£", yen: "¥",
  cent: "¢", times: "×", divide: "÷", deg: "°", plusmn: "±", para: "¶", sect: "§", shy: "\u00ad",
  iexcl: "¡", iquest: "¿", dagger: "†", Dagger: "‡", permil: "‰", prime: "′", Prime: "″",
  larr: "←", rarr: "→", uarr: "↑", darr: "↓", harr: "↔", le: "≤", ge: "≥", ne: "≠", minus: "−",
  frac12: "½", frac14: "¼", frac34: "¾", sup2: "²", sup3: "³", micro: "µ", ensp: "\u2002",
  emsp: "\u2002", thinsp: "\u2009", zwnj: "\u200c", zwj: "\u200d", check: "✓", hearts: "♥",
  auml: "ä", ouml: "ö", uuml: "ü", Auml: "Ä", Ouml: "Ö", Uuml: "Ü", szlig: "ß", aring: "å", Aring: "Å",
  aelig: "æ", AElig: "Æ", oslash: "ø", Oslash: "Ø", eacute: "é", Eacute: "É", egrave: "è", Egrave: "È",
  ecirc: "ê", euml: "ë", aacute: "á", Aacute: "Á", agrave: "à", Agrave: "À", acirc: "â", atilde: "ã",
  iacute: "í", igrave: "ì", icirc: "î", iuml: "ï", oacute: "ó", ograve: "ò", ocirc: "ô", otilde: "õ",
  uacute: "ú", ugrave: "ù", ucirc: "û", ccedil: "ç", Ccedil: "Ç", ntilde: "ñ", Ntilde: "Ñ", yacute: "ý",
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", pi: "π", sigma: "σ", omega: "ω", mu: "μ", lambda: "λ",
};
// What &#128;–&#159; mean in HTML (windows-1252), per the HTML spec's parse rules.
const C1 = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";
const REF = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));?/g;

function numeric(n) {
  if (n >= 128 && n <= 159) return C1[n - 128];
  if (n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return "\ufffd";
  return String.fromCodePoint(n);
}

export function decodeEntities(s) {
  if (s.indexOf("&") === -1) return s;
  return s.replace(REF, (all, dec, hex, name) => {
    if (dec !== undefined) return numeric(parseInt(dec, 10));
    if (hex !== undefined) return numeric(parseInt(hex, 16));
    const v = NAMED[name];
    return v === undefined ? all : v;
  });
}
