import { describe, expect, test } from "bun:test";
import { bigrams, extraText, fold } from "./search-text.ts";

describe("search text", () => {
  test("fold: Greek accents and final sigma, German sharp s; other scripts untouched", () => {
    expect(fold("λέξεις ΆΈΉ ϊΐ")).toBe("λεξεισ ΑΕΗ ιι");
    // Decomposed input (a letter, then its combining accent) folds the same.
    expect(fold("λε\u0301ξεις")).toBe("λεξεισ");
    expect(fold("Straße GROẞ")).toBe("Strasse GROSS");
    expect(fold("café がぎ 한국어 й")).toBe("café がぎ 한국어 й");
  });

  test("bigrams of a CJK run; extra holds changed words once and each run's bigrams", () => {
    expect(bigrams("日本語")).toBe("日本 本語");
    expect(bigrams("茶")).toBe("茶");
    expect(extraText("Straße, Straße, plain 東京に。茶")).toBe("Strasse\n東京 京に に\n茶");
    expect(extraText("nothing to add")).toBe("");
  });
});
