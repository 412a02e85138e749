import { describe, expect, test } from "bun:test";
import { ftsQueries } from "./search-query.ts";

describe("search query", () => {
  test("words are quoted, a trailing run of stars is one prefix search", () => {
    expect(ftsQueries('tea AND "coffee')).toEqual(['"tea" "AND" "coffee"', '"tea" OR "AND" OR "coffee"']);
    expect(ftsQueries("re*** *")).toEqual(['"re"*']);
    // Before, stripping the stars was quadratic in their number: this ran out of time.
    const stars = "*".repeat(100_000);
    expect(ftsQueries(`rex${stars}`)).toEqual(['"rex"*']);
    expect(ftsQueries(`a${stars}b`)).toEqual([`"a${stars}b"`]);
  });
});
