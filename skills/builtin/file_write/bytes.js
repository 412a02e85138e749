// Text and base64 → the bytes file_write writes (QuickJS has no TextEncoder or atob).
const LOOKUP = new Int16Array(128).fill(-1);
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
for (let i = 0; i < 64; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;
LOOKUP[45] = 62; // "-" and "_" of base64url
LOOKUP[95] = 63;

/** `s` as UTF-8 bytes (a lone surrogate becomes U+FFFD, as TextEncoder does). */
export function utf8Encode(s) {
  const out = new Uint8Array(s.length * 3);
  let at = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && (d & 0xfc00) === 0xdc00) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
      else c = 0xfffd;
    }
    if (c < 0x80) out[at++] = c;
    else if (c < 0x800) { out[at++] = 0xc0 | (c >> 6); out[at++] = 0x80 | (c & 63); }
    else if (c < 0x10000) { out[at++] = 0xe0 | (c >> 12); out[at++] = 0x80 | ((c >> 6) & 63); out[at++] = 0x80 | (c & 63); }
    else { out[at++] = 0xf0 | (c >> 18); out[at++] = 0x80 | ((c >> 12) & 63); out[at++] = 0x80 | ((c >> 6) & 63); out[at++] = 0x80 | (c & 63); }
  }
  return out.subarray(0, at);
}

export function fromBase64(text) {
  const s = text.replace(/[\s=]+/g, "");
  if (s.length % 4 === 1) throw new Error("content is not valid base64 (wrong length)");
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let bits = 0, acc = 0, at = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : -1;
    if (v < 0) throw new Error(`content is not valid base64 (unexpected character at ${i})`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

// windows-1252's bytes 0x80–0x9F (WHATWG index); every other byte is the code point itself.
const CP1252_HIGH = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/** `s` in windows-1252, or `{ bad }` naming the first character it cannot hold. */
export function win1252Encode(s) {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80 || (c >= 0xa0 && c <= 0xff)) { out[i] = c; continue; }
    const at = CP1252_HIGH.indexOf(s[i]);
    if (at < 0) return { bad: String.fromCodePoint(s.codePointAt(i)) };
    out[i] = 0x80 + at;
  }
  return out;
}

/**
 * What a sample of a file's bytes says about its text: "utf-8", "legacy" (not UTF-8, no NUL:
 * windows-1252 or another 8-bit encoding) or "binary". `cutStart`/`cutEnd`: the sample was
 * taken from inside the file, so a character split at that edge is not held against it.
 */
export function sampleKind(bytes, cutStart, cutEnd) {
  let from = 0, to = bytes.length;
  if (cutStart) while (from < 3 && from < to && (bytes[from] & 0xc0) === 0x80) from++;
  if (cutEnd) {
    for (let back = 1; back <= 3 && to - back >= from; back++) {
      const b = bytes[to - back];
      if ((b & 0xc0) === 0x80) continue;
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (need > back) to -= back;
      break;
    }
  }
  const part = bytes.subarray(from, to);
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(part);
    return "utf-8";
  } catch {
    return part.indexOf(0) >= 0 ? "binary" : "legacy";
  }
}
