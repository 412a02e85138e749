// Character classes and codes shared by the HTML converter's hand-written scanners (char codes,
// not regexes, so each character is looked at once).
export const GT = 62, SLASH = 47, BANG = 33, QUESTION = 63, DASH = 45, DQ = 34, SQ = 39, EQ = 61, HASH = 35, SEMI = 59;

export function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isHex = (c: number): boolean => isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
