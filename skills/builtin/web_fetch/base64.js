// Bytes → base64 for attachments (QuickJS has no btoa). Builds the text in 8K-character
// chunks, since String.fromCharCode.apply on a whole file would overflow the stack.
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const CODES = [];
for (let i = 0; i < 64; i++) CODES.push(ALPHABET.charCodeAt(i));
const PAD = 61; // "="

export function toBase64(bytes) {
  const parts = [];
  const chunk = [];
  const n = bytes.length;
  for (let i = 0; i < n; i += 3) {
    const a = bytes[i], b = i + 1 < n ? bytes[i + 1] : 0, c = i + 2 < n ? bytes[i + 2] : 0;
    chunk.push(CODES[a >> 2], CODES[((a & 3) << 4) | (b >> 4)],
      i + 1 < n ? CODES[((b & 15) << 2) | (c >> 6)] : PAD, i + 2 < n ? CODES[c & 63] : PAD);
    if (chunk.length >= 8192) {
      parts.push(String.fromCharCode.apply(null, chunk));
      chunk.length = 0;
    }
  }
  if (chunk.length) parts.push(String.fromCharCode.apply(null, chunk));
  return parts.join("");
}
