import { describe, expect, test } from "bun:test";
import { ftsQueries } from "./search-query.ts";

describe("search query", () => {
  test("words are quoted, a trailing run of stars is one prefix search", () => {
    expect(ftsQueries('tea AND "coffee')).toEqual([
      { stemmed: '"tea" "AND" "coffee"', any: false },
      { stemmed: '"tea" OR "AND" OR "coffee"', any: true },
    ]);
    expect(ftsQueries("re*** *")).toEqual([{ prefix: '"re"*', any: false }]);
    // Before, stripping the stars was quadratic in their number: this ran out of time.
    const stars = "*".repeat(100_000);
    expect(ftsQueries(`rex${stars}`)).toEqual([{ prefix: '"rex"*', any: false }]);
    expect(ftsQueries(`a${stars}b`)).toEqual([{ stemmed: `"a${stars}b"`, any: false }]);
  });

  test("prefixes go to the unstemmed table, whole words to the stemmed one", () => {
    expect(ftsQueries("runn* dentist")).toEqual([
      { stemmed: '"dentist"', prefix: '"runn"*', any: false },
      { stemmed: '"dentist"', prefix: '"runn"*', any: true },
    ]);
  });

  test("query words are folded as the index folds them; CJK runs become bigram phrases", () => {
    expect(ftsQueries("ΛΈΞΕΙΣ λέξεις Straße")[0]!.stemmed).toBe('"ΛΕΞΕΙΣ" "λεξεισ" "Strasse"');
    expect(ftsQueries("東京")).toEqual([{ stemmed: '"東京"', any: false }]);
    expect(ftsQueries("日本語の")).toEqual([{ stemmed: '"日本 本語 語の"', any: false }]);
    expect(ftsQueries("茶")).toEqual([{ stemmed: '"茶"*', any: false }]);
    expect(ftsQueries("Tokyo東京、大阪*")).toEqual([{ stemmed: '("Tokyo" "東京" "大阪")', any: false }]);
  });
});
