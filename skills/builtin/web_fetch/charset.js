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

/** The <meta charset> or http-equiv Content-Type declared near the start of an HTML page. */
export function charsetFromMeta(b) {
  // One character per byte, made natively (a loop over the bytes here cost ~0.1 ms); the
  // patterns look only for ASCII, so what a non-ASCII byte becomes does not matter.
  const head = String.fromCharCode.apply(null, b.subarray(0, 1024));
  const direct = /<meta[^>]*?\scharset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)/i.exec(head);
  if (direct) return direct[1].toLowerCase();
  const equiv = /<meta[^>]*?content\s*=\s*["'][^"']*?charset\s*=\s*([A-Za-z0-9_:.+-]+)/i.exec(head);
  return equiv ? equiv[1].toLowerCase() : null;
}

/**
 * Decodes with the declared charset; with none, UTF-8 if the bytes are valid UTF-8, otherwise
 * windows-1252 (what browsers fall back to for Western pages). An unknown label decodes as
 * UTF-8 and says so.
 */
export function decodeBody(bytes, declared) {
  if (declared) {
    try {
      const d = new TextDecoder(declared);
      // The BOM is not content; TextDecoder drops a UTF-8 one itself.
      return { text: d.decode(bytes), charset: d.encoding, note: null };
    } catch {
      return { text: new TextDecoder().decode(bytes), charset: "utf-8", note: `unknown charset "${declared}", decoded as UTF-8` };
    }
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), charset: "utf-8", note: null };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), charset: "windows-1252", note: null };
  }
}
