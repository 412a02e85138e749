// What SQLite's unicode61 tokenizer leaves unmatched, done in JS on both sides of the index:
// the same fold() runs over a document's words (their folded forms go into its `extra` column)
// and over every query word, so the two always agree.
//
// - Greek: remove_diacritics folds Latin letters only, so "λέξεις" kept its tonos, and a final
//   sigma (ς) never matched the σ that an upper-case query (ΛΕΞΕΙΣ) lower-cases to.
// - German ß (and ẞ): no diacritic, so "strasse" never found "Straße".
// - Chinese, Japanese (and Korean) put no spaces between words: unicode61 made "東京に住んで
//   います" one token, so "東京" found nothing. Each run of such text is also indexed as its
//   overlapping two-character pieces (the CJK bigrams of Lucene's CJKAnalyzer), and a query run
//   becomes the phrase of its pieces: "東京に" → "東京 京に". FTS5's trigram tokenizer was the
//   other candidate, but it cannot match two-character words (東京, 咖啡, 日本), the most
//   common kind.

const CJK_RUN = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\u30fc\u3005]+/gu;
const HAS_CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;
// A Greek letter and any letters or combining marks after it (text may arrive decomposed).
const GREEK_RUN = /[\u0370-\u03ff\u1f00-\u1fff][\u0300-\u036f\u0370-\u03ff\u1f00-\u1fff]*/g;
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** The spelling both the index and queries use: Greek without accents and with σ for ς; ß as ss. */
export function fold(text: string): string {
  return text
    .replace(GREEK_RUN, (g) => g.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ς/g, "σ").normalize("NFC"))
    .replace(/ß/g, "ss")
    .replace(/ẞ/g, "SS");
}

export function hasCjk(text: string): boolean {
  return HAS_CJK.test(text);
}

/** Space-separated bigrams of one CJK run ("日本語" → "日本 本語"); one character stays as it is. */
export function bigrams(run: string): string {
  const chars = [...run];
  if (chars.length < 2) return run;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out.join(" ");
}

/** Splits a query word into its CJK runs and the text between them, in order. */
export function cjkPieces(word: string): { text: string; cjk: boolean }[] {
  const out: { text: string; cjk: boolean }[] = [];
  let at = 0;
  for (const m of word.matchAll(CJK_RUN)) {
    if (m.index > at) out.push({ text: word.slice(at, m.index), cjk: false });
    out.push({ text: m[0], cjk: true });
    at = m.index + m[0].length;
  }
  if (at < word.length) out.push({ text: word.slice(at), cjk: false });
  return out;
}

/**
 * What a document adds to its `extra` column: the folded form of each word fold() changes, once,
 * and the bigrams of each CJK run followed by its last character (so a one-character query,
 * a prefix search, finds the end of a run too). Runs are kept apart by that last character, so a
 * phrase of bigrams never matches across two runs.
 */
export function extraText(text: string): string {
  const folded = new Set<string>();
  for (const [w] of text.matchAll(WORD)) {
    const f = fold(w);
    if (f !== w) folded.add(f);
  }
  const parts = [...folded];
  for (const [run] of text.matchAll(CJK_RUN)) {
    const chars = [...run];
    parts.push(chars.length < 2 ? run : `${bigrams(run)} ${chars.at(-1)}`);
  }
  return parts.join("\n");
}
