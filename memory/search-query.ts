// Turns what a person or a model types into FTS5 MATCH expressions that cannot be a syntax
// error: every word becomes a quoted string (so AND, NEAR, -, :, ( and stray quotes are just
// text), a trailing * keeps its meaning as a prefix search. All words first; if that finds
// nothing, any word.
//
// Whole words go to the stemmed table (`dogs` finds `dog`); prefixes to the unstemmed one, since
// the porter stemmer would stem the prefix itself ("runn" never starts "run", the stem of
// "running"). Words are folded as the index folds them, and a run of CJK text becomes the phrase
// of its bigrams (see search-text.ts).
import { bigrams, cjkPieces, fold, hasCjk } from "./search-text.ts";

const MAX_TERMS = 32;

/** One pass: `stemmed` for the porter table, `prefix` for the unstemmed one; with `any`, a
 *  document matching either is a hit, otherwise it must match both (each absent one is ignored). */
export interface FtsPass {
  stemmed?: string;
  prefix?: string;
  any: boolean;
}

export function ftsQueries(query: string): FtsPass[] {
  const stemmed: string[] = [];
  const prefix: string[] = [];
  // A NUL would end the string inside SQLite's FTS parser ("unterminated string").
  for (const raw of query.replace(/[\u0000-\u001f\u007f]/g, " ").split(/\s+/)) {
    const star = raw.length > 1 && raw.endsWith("*");
    // (?<!\*): a plain /\*+$/ is retried at every star of a long run (quadratic).
    const word = fold(raw.replace(/"/g, "").replace(/(?<!\*)\*+$/, ""));
    if (word === "") continue;
    if (hasCjk(word)) stemmed.push(cjkTerm(word));
    else if (star) prefix.push(`"${word}"*`);
    else stemmed.push(`"${word}"`);
    if (stemmed.length + prefix.length === MAX_TERMS) break;
  }
  const n = stemmed.length + prefix.length;
  if (n === 0) return [];
  const pass = (sep: string, any: boolean): FtsPass => ({
    ...(stemmed.length ? { stemmed: stemmed.join(sep) } : {}),
    ...(prefix.length ? { prefix: prefix.join(sep) } : {}),
    any,
  });
  return n === 1 ? [pass(" ", false)] : [pass(" ", false), pass(" OR ", true)];
}

/** A word holding CJK text: each CJK run as a phrase of its bigrams (one character: a prefix of
 *  the indexed bigrams), the rest as plain words; all of them required. A star is ignored: a
 *  bigram phrase already matches inside longer text. */
function cjkTerm(word: string): string {
  const parts: string[] = [];
  for (const p of cjkPieces(word)) {
    if (p.cjk) parts.push([...p.text].length === 1 ? `"${p.text}"*` : `"${bigrams(p.text)}"`);
    else if (/[\p{L}\p{N}]/u.test(p.text)) parts.push(`"${p.text}"`);
  }
  return parts.length === 1 ? parts[0]! : `(${parts.join(" ")})`;
}
