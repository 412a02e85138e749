import { describe, expect, test } from "bun:test";
import { classify, decodeId, encodeId, layout } from "./paths.ts";

describe("id encoding", () => {
  test("is reversible and never yields a separator, a leading dot or a traversal", () => {
    const ids = ["telegram:123", "matrix:@bob:example.org", "../../etc/passwd", "..", ".", "a/b", "c\\d", "x%41", "Ærlig 😀", "email:bob@x.com", "-rf", "\u0000nul"];
    for (const id of ids) {
      const name = encodeId(id);
      expect(name).not.toMatch(/[/\\\u0000]/);
      expect(name.startsWith(".")).toBe(false);
      expect(decodeId(name)).toBe(id);
    }
    expect(encodeId("telegram:123")).toBe("telegram%3A123");
    expect(encodeId("x%41")).toBe("x%2541");
  });

  test("empty and over-long ids are invalid input", () => {
    expect(() => encodeId("")).toThrow("memory: id is empty");
    expect(() => encodeId("😀".repeat(20), "user id")).toThrow("user id is too long");
  });

  test("names encodeId would not produce do not decode (hand-made files keep their name)", () => {
    expect(decodeId("a%2")).toBeNull();
    expect(decodeId("Bob Smith")).toBeNull();
    expect(decodeId("%61")).toBeNull();
    expect(decodeId("bob")).toBe("bob");
  });

  test("layout puts each kind in its folder and classify reverses it", () => {
    const l = layout("/m");
    expect(l.profile("telegram:1")).toBe("/m/users/telegram%3A1.md");
    expect(l.session("s/1")).toBe("/m/sessions/s%2F1.md");
    expect(l.daily(new Date(2026, 0, 5, 23, 59))).toBe("/m/daily/2026-01-05.md");
    expect(classify("users/telegram%3A1.md")).toEqual({ kind: "users", id: "telegram:1" });
    expect(classify("daily/2026-01-05.md")).toEqual({ kind: "daily", id: "2026-01-05" });
    expect(classify("notes/trips/japan.md")).toBeNull();
    expect(classify("other/x.md")).toBeNull();
  });
});
