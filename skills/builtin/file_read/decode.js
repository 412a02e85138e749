// Bytes → text: the one rule file_read and file_search share, so a search finds what a read
// shows. A skill may import only its own folder, so file_read/decode.js and
// file_search/decode.js are identical copies (tests/e2e/builtin-file-search-read.test.ts checks
// this): change one, copy it over the other.

/** Byte-order marks: when no encoding is given, one at the start decides it. */
const BOMS = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: "utf-8" },
  { bytes: [0xff, 0xfe], encoding: "utf-16le" },
  { bytes: [0xfe, 0xff], encoding: "utf-16be" },
];

/** The encoding the byte-order mark at the start of `bytes` names, or undefined. */
export function bomEncoding(bytes) {
  for (const bom of BOMS) if (bom.bytes.every((b, i) => bytes[i] === b)) return bom.encoding;
  return undefined;
}

/**
 * Decodes at most `chars` characters from the start (all with Infinity), never half a surrogate
 * pair. Without an explicit encoding: the one a byte-order mark names, else UTF-8, else
 * windows-1252 (which maps every byte) when the bytes are not UTF-8. `partial`: the bytes are
 * only the start of the file, so their end may split a character. Returns the text, the
 * encoding used and `end`, how many of the bytes the text came from.
 */
export function decodeText(bytes, encoding, chars = Infinity, partial = false) {
  const label = encoding || bomEncoding(bytes);
  let used = label ? new TextDecoder(label).encoding : "utf-8";
  if (used === "utf-16le" || used === "utf-16be") return decodeUtf16(bytes, used, chars, partial);
  const run = (slice) => {
    if (label) return new TextDecoder(label).decode(slice);
    if (used === "utf-8") {
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(slice);
      } catch {
        used = "windows-1252";
      }
    }
    return new TextDecoder("windows-1252").decode(slice);
  };
  // A character is at least one byte, so `chars` bytes never decode to more than `chars`
  // characters; widen until enough (multi-byte text) or the file ends.
  let end = Math.min(bytes.length, chars);
  let text = run(bytes.subarray(0, boundary(bytes, end, partial)));
  for (let i = 0; i < 6 && text.length < chars && end < bytes.length; i++) {
    end = Math.min(bytes.length, end + (chars - text.length) * 4); // a character is at most 4 bytes
    text = run(bytes.subarray(0, boundary(bytes, end, partial)));
  }
  end = boundary(bytes, end, partial);
  if (text.length > chars) {
    const cut = wholeChars(text, chars);
    if (used === "utf-8") end -= utf8Length(text.slice(cut)); // bytes of what is dropped
    else end = cut;
    text = text.slice(0, cut);
  }
  return { text, used, end };
}

/**
 * `n`, or `n - 1` when the first `n` UTF-16 units of `text` would end in the first half of a
 * surrogate pair (an emoji): a cut there would show U+FFFD.
 */
export function wholeChars(text, n) {
  const c = text.charCodeAt(n - 1);
  return n > 0 && n < text.length && c >= 0xd800 && c <= 0xdbff ? n - 1 : n;
}

/** UTF-16 is two bytes a unit: cut at a unit boundary, never inside a surrogate pair. */
function decodeUtf16(bytes, used, chars, partial) {
  const le = used === "utf-16le";
  const bom = bomEncoding(bytes) === used ? 2 : 0;
  let end = Math.min(bytes.length, bom + chars * 2);
  if (end < bytes.length || partial) {
    end -= (end - bom) % 2;
    const unit = end - 2 >= bom ? (le ? bytes[end - 2] | (bytes[end - 1] << 8) : (bytes[end - 2] << 8) | bytes[end - 1]) : 0;
    if (unit >= 0xd800 && unit <= 0xdbff) end -= 2;
  }
  return { text: new TextDecoder(used).decode(bytes.subarray(0, end)), used, end };
}

/**
 * Moves a cut back to the start of a UTF-8 sequence (harmless for single-byte encodings). At the
 * end of a partial read, a last sequence the read cut short is left out.
 */
function boundary(bytes, end, partial) {
  if (end >= bytes.length) {
    if (!partial || bytes.length === 0) return bytes.length;
    let s = bytes.length - 1;
    while (s > 0 && bytes.length - s < 4 && (bytes[s] & 0xc0) === 0x80) s--;
    const lead = bytes[s];
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    return s + need > bytes.length ? s : bytes.length;
  }
  let e = end;
  while (e > 0 && end - e < 3 && (bytes[e] & 0xc0) === 0x80) e--;
  return e;
}

function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3;
  }
  return n;
}
