import { describe, expect, test } from "bun:test";
import { appendEntry, newTranscript, parseTranscript } from "./transcript-format.ts";
import { appendNote, newDaily } from "./daily-format.ts";

describe("transcript format", () => {
  test("round-trips any text, including lines that look like headers", () => {
    const texts = ["plain", "### user · 2026-01-01T00:00:00Z", "\\### x", "\\\\### y", "a\n\n\nb", "  indented", "# Session: fake", "crlf\r\nline"];
    let t = newTranscript("s");
    const at = new Date("2026-01-28T10:30:00Z");
    for (const text of texts) t = appendEntry(t, { role: "tool", text, at });
    expect(parseTranscript(t).map((e) => e.text)).toEqual(texts.map((x) => x.replace(/\r\n/g, "\n")));
    expect(parseTranscript(t)).toHaveLength(texts.length);
  });

  test("a message of 100 000 blank lines round-trips, and the next message still appends", () => {
    // Before, the trailing-newline regexes were quadratic in such a run: this test ran out of time.
    const hostile = "a" + "\n".repeat(100_000) + "b";
    const at = new Date("2026-01-28T10:30:00Z");
    let t = appendEntry(newTranscript("s"), { role: "user", text: hostile, at });
    t = appendEntry(t, { role: "assistant", text: "ok", at });
    t = appendEntry(t + "\n".repeat(100_000), { role: "user", text: "next", at });
    expect(parseTranscript(t).map((e) => e.text)).toEqual([hostile, "ok", "next"]);
    expect(parseTranscript(t + "\n".repeat(100_000)).at(-1)!.text).toBe("next");
  });

  test("hand-written sections with a bad time or role are text of the previous message", () => {
    const t = "# Session: s\n\n### user · 2026-01-28T10:30:00Z\nhi\n### user · yesterday\n### admin · 2026-01-28T10:30:00Z\n";
    expect(parseTranscript(t)).toEqual([{ role: "user", at: new Date("2026-01-28T10:30:00Z"), text: "hi\n### user · yesterday\n### admin · 2026-01-28T10:30:00Z" }]);
  });
});

describe("daily format", () => {
  test("one list of timestamped bullets; continuation lines stay in their bullet", () => {
    let d = newDaily(new Date(2026, 0, 28));
    d = appendNote(d, "first", new Date(2026, 0, 28, 8, 5));
    d = appendNote(d, "second\nline two", new Date(2026, 0, 28, 17, 45));
    expect(d).toBe("# 2026-01-28\n\n- 08:05 first\n- 17:45 second\n  line two\n");
    expect(appendNote("# 2026-01-28\n\nA paragraph by hand.\n", "x", new Date(2026, 0, 28, 9, 0))).toBe("# 2026-01-28\n\nA paragraph by hand.\n\n- 09:00 x\n");
    expect(() => appendNote(d, "  ", new Date())).toThrow("the note is empty");
  });

  test("a day file with 100 000 blank lines inside takes the next note", () => {
    // Before, the trailing-newline regex was quadratic in a run not at the end: this ran out of time.
    const hand = "# 2026-01-28\n\n- 08:05 first" + "\n".repeat(100_000) + "  more\n";
    expect(appendNote(hand, "second", new Date(2026, 0, 28, 9, 0))).toBe(hand + "- 09:00 second\n");
    expect(appendNote("# 2026-01-28\n\n- 08:05 first" + "\n".repeat(100_000), "second", new Date(2026, 0, 28, 9, 0))).toBe("# 2026-01-28\n\n- 08:05 first\n- 09:00 second\n");
  });
});
