// Turns what a person or a model types into FTS5 MATCH expressions that cannot be a syntax
// error: every word becomes a quoted string (so AND, NEAR, -, :, ( and stray quotes are just
// text), a trailing * keeps its meaning as a prefix search. All words first; if that finds
// nothing, any word.

const MAX_TERMS = 32;

export function ftsQueries(query: string): string[] {
  const terms: string[] = [];
  // A NUL would end the string inside SQLite's FTS parser ("unterminated string").
  for (const raw of query.replace(/[\u0000-\u001f\u007f]/g, " ").split(/\s+/)) {
    const prefix = raw.length > 1 && raw.endsWith("*");
    // (?<!\*): a plain /\*+$/ is retried at every star of a long run (quadratic).
    const word = raw.replace(/"/g, "").replace(/(?<!\*)\*+$/, "");
    if (word === "") continue;
    terms.push(`"${word}"${prefix ? "*" : ""}`);
    if (terms.length === MAX_TERMS) break;
  }
  if (terms.length === 0) return [];
  return terms.length === 1 ? terms : [terms.join(" "), terms.join(" OR ")];
}
