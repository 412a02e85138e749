// Which character encoding a response body is in: a byte-order mark, else the Content-Type
// charset, else (HTML) a <meta charset> in the first 1024 bytes, else none (caller decides).

export function charsetFromContentType(contentType) {
  const m = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType || "");
  return m ? m[2].toLowerCase() : null;
}

export function sniffBom(b) {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return "utf-8";
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return "utf-16le";
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return "utf-16be";
  return null;
}

/**
 * The <meta charset> or http-equiv Content-Type declared near the start of an HTML page. As in
 * the HTML standard, a UTF-16 label there means UTF-8 (bytes a parser could read the <meta> in
 * as ASCII are not UTF-16) and x-user-defined means windows-1252.
 */
export function charsetFromMeta(b) {
  // One character per byte, made natively (a loop over the bytes here cost ~0.1 ms); the
  // patterns look only for ASCII, so what a non-ASCII byte becomes does not matter.
  const head = String.fromCharCode.apply(null, b.subarray(0, 1024));
  const direct = /<meta[^>]*?\scharset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)/i.exec(head);
  const equiv = direct ? null : /<meta[^>]*?content\s*=\s*["'][^"']*?charset\s*=\s*([A-Za-z0-9_:.+-]+)/i.exec(head);
  const label = direct ? direct[1].toLowerCase() : equiv ? equiv[1].toLowerCase() : null;
  if (label === null) return null;
  let encoding;
  try {
    encoding = new TextDecoder(label).encoding;
  } catch {
    return label; // unknown: withCharset says so
  }
  if (encoding === "utf-16le" || encoding === "utf-16be") return "utf-8";
  if (encoding === "x-user-defined") return "windows-1252";
  return label;
}

/**
 * `read(charset, fatal)` with the charset the bytes are in: the declared one (an unknown label
 * reads as UTF-8, and says so), else UTF-8 if the bytes are valid UTF-8, else windows-1252
 * (what browsers fall back to for Western pages). → { value, charset, note }
 */
export function withCharset(declared, read) {
  if (declared) {
    let charset;
    try {
      charset = new TextDecoder(declared).encoding;
    } catch {
      return { value: read("utf-8", false), charset: "utf-8", note: `unknown charset "${declared}", decoded as UTF-8` };
    }
    return { value: read(charset, false), charset, note: null };
  }
  try {
    return { value: read("utf-8", true), charset: "utf-8", note: null };
  } catch (e) {
    if (!(e instanceof TypeError)) throw e; // a fatal decoder's error; anything else is real
    return { value: read("windows-1252", false), charset: "windows-1252", note: null };
  }
}

/** The bytes as text (see withCharset). The BOM is not content; TextDecoder drops it. */
export function decodeBody(bytes, declared) {
  const r = withCharset(declared, (charset, fatal) => new TextDecoder(charset, { fatal }).decode(bytes));
  return { text: r.value, charset: r.charset, note: r.note };
}
