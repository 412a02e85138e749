import { describe, expect, test } from "bun:test";
import { addFactTo, cleanFact, cleanSection, newProfile, parseProfile } from "./profile-format.ts";

describe("profile format", () => {
  test("facts go at the end of their section, new sections at the end of the file", () => {
    let p = newProfile("u");
    p = addFactTo(p, "Has a dog", "Facts");
    p = addFactTo(p, "Tea, not coffee", "Preferences");
    p = addFactTo(p, "Lives in Oslo", "facts");
    expect(p).toBe("# Profile: u\n\n## Facts\n- Has a dog\n- Lives in Oslo\n\n## Preferences\n- Tea, not coffee\n");
    expect(addFactTo(p, "Has a dog", "Facts")).toBe(p);
    expect(parseProfile(p)).toEqual({ Facts: ["Has a dog", "Lives in Oslo"], Preferences: ["Tea, not coffee"] });
  });

  test("a hand-edited profile keeps its prose, other bullets and layout", () => {
    const hand = "# Profile: u\n\nSome notes I wrote.\n\n## Facts\n* Old fact\n\n\n## Work\n- Nurse\n\nTrailing prose.\n";
    const p = addFactTo(hand, "New fact", "Facts");
    expect(p).toBe("# Profile: u\n\nSome notes I wrote.\n\n## Facts\n* Old fact\n- New fact\n\n\n## Work\n- Nurse\n\nTrailing prose.\n");
    expect(parseProfile(p)).toEqual({ Facts: ["Old fact", "New fact"], Work: ["Nurse"] });
  });

  test("CRLF files, U+2028 and long runs of spaces or newlines are read as written", () => {
    expect(parseProfile("# Profile: u\r\n\r\n## Facts\r\n- Has a dog\r\n* Likes tea\r\n")).toEqual({ Facts: ["Has a dog", "Likes tea"] });
    // Before, a bullet holding U+2028 was no fact, found only after quadratic backtracking.
    const spaced = "- " + " ".repeat(100_000) + "a\u2028b";
    expect(parseProfile(`## Facts\n${spaced}\n`)).toEqual({ Facts: ["a\u2028b"] });
    const gap = "# Profile: u\n\n## Facts\n- Has a dog" + "\n".repeat(100_000) + "- Likes tea\n";
    expect(addFactTo(gap, "Lives in Oslo", "Facts")).toBe(gap + "- Lives in Oslo\n");
  });

  test("facts are one line; empty or huge facts and sections are refused", () => {
    expect(cleanFact("  two\nlines  ")).toBe("two lines");
    expect(() => cleanFact(" \n ")).toThrow("the fact is empty");
    expect(() => cleanFact("x".repeat(1001))).toThrow("too long");
    expect(cleanSection(undefined)).toBe("Facts");
    expect(cleanSection("## Pets")).toBe("Pets");
    expect(() => cleanSection("#")).toThrow("section name");
  });
});

describe("profile sections", () => {
  test("a fact is filed under an existing heading's own spelling", async () => {
    const { sectionIn } = await import("./profile-format.ts");
    const p = "# Profile: u\n\n## Preferences\n- Tea\n";
    expect(sectionIn(p, "preferences")).toBe("Preferences");
    expect(sectionIn(p, "Pets")).toBe("Pets");
  });
});
