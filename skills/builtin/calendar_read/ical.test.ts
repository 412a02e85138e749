// The skill's iCalendar code, run directly (it is plain JS with no host globals).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { occurrences, parseDuration } from "./events.js";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { escapeText, fold, parseICal, prop, serialize, unescapeText } from "./ical.js";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { expand, parseRule } from "./rrule.js";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { nthWeekday, parseOffset, wallOf, zoneOffset } from "./tz.js";

const NY = parseICal(`BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nDTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nDTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n`).children[0]!;
const w = (s: string) => wallOf(s) as number;

describe("iCalendar text", () => {
  test("unfolds lines, reads quoted parameters and unescapes TEXT", () => {
    const c = parseICal('BEGIN:VEVENT\r\nSUMMARY;LANGUAGE=en:Plan\\, review\\; ship\\nnext\r\n  week\r\nATTENDEE;CN="Doe: Jane";ROLE=CHAIR:mailto:j@example.com\r\nEND:VEVENT\r\n').children[0]!;
    expect(unescapeText(prop(c, "SUMMARY").value)).toBe("Plan, review; ship\nnext week");
    expect(prop(c, "ATTENDEE")).toMatchObject({ params: { CN: "Doe: Jane", ROLE: "CHAIR" }, value: "mailto:j@example.com" });
  });

  test("escaping round-trips and folding keeps lines within 75 octets without splitting a character", () => {
    const text = "a,b;c\\d\ne";
    expect(unescapeText(escapeText(text))).toBe(text);
    const long = "DESCRIPTION:" + "é".repeat(100);
    const folded = fold(long);
    for (const l of folded.split("\r\n")) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    expect(parseICal(`BEGIN:X\r\n${folded}\r\nEND:X\r\n`).children[0]!.props[0].value).toBe("é".repeat(100));
  });

  test("serialize keeps untouched lines as they were", () => {
    const src = "BEGIN:VCALENDAR\r\nX-ODD;A=1:keep me\r\nEND:VCALENDAR\r\n";
    expect(serialize(parseICal(src))).toBe(src);
  });
});

describe("time zones without Intl", () => {
  test.each([
    ["+0100", 60], ["-0530", -330], ["+02:00", 120], ["bad", null],
  ])("offset %s → %p", (s, m) => expect(parseOffset(s)).toBe(m));

  test.each([
    [2026, 2, 2, 0, 8], [2026, 10, 1, 0, 1], [2026, 9, -1, 0, 25], [2026, 1, 5, 0, null],
  ])("nthWeekday(%i, month %i, %i, dow %i) → %p", (y, m, n, d, day) => expect(nthWeekday(y, m, n, d)).toBe(day));

  test.each([
    ["20260307T120000", -300], ["20260308T120000", -240], ["20260310T120000", -240], ["20260701T120000", -240],
    ["20261101T120000", -300], ["20261031T120000", -240], ["20060701T120000", -300],
  ])("New York at %s is UTC%p min", (wall, off) => expect(zoneOffset(NY, w(wall))).toBe(off));
});

describe("recurrence rules", () => {
  const d = (s: string) => new Date(s).toISOString().slice(0, 10);
  test.each([
    ["FREQ=DAILY;COUNT=3", "20260105T090000", ["2026-01-05", "2026-01-06", "2026-01-07"]],
    ["FREQ=DAILY;INTERVAL=2;UNTIL=20260110T000000Z", "20260105T090000", ["2026-01-05", "2026-01-07", "2026-01-09"]],
    ["FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4", "20260105T090000", ["2026-01-05", "2026-01-07", "2026-01-12", "2026-01-14"]],
    ["FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", "20260130T090000", ["2026-01-30", "2026-02-27", "2026-03-27"]],
    ["FREQ=MONTHLY;COUNT=3", "20260131T090000", ["2026-01-31", "2026-03-31", "2026-05-31"]],
    ["FREQ=YEARLY;COUNT=2", "20240229T090000", ["2024-02-29", "2028-02-29"]],
  ])("%s from %s", (rule, start, days) => {
    const r = parseRule(rule);
    const until = r.UNTIL ? w(r.UNTIL) : null;
    expect(expand(w(start), r, until, w("20300101T000000")).map((t: number) => d(new Date(t).toISOString()))).toEqual(days);
  });

  test("a rule without an end stops at the range", () => {
    expect(expand(w("20260101T000000"), parseRule("FREQ=DAILY"), null, w("20260110T000000"))).toHaveLength(10);
  });

  test("durations", () => {
    expect(parseDuration("PT1H30M")).toBe(5_400_000);
    expect(parseDuration("P1W")).toBe(604_800_000);
    expect(parseDuration("nope")).toBeNull();
  });

  test("a recurring event across the DST change keeps its wall-clock time", () => {
    const data = `BEGIN:VCALENDAR\r\n${serialize(NY).trim()}\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=America/New_York:20260305T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
    const got = occurrences([{ href: "h", etag: "", data }], Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 20), 0);
    expect(got.map((e: { startMs: number }) => new Date(e.startMs).toISOString())).toEqual(["2026-03-05T14:00:00.000Z", "2026-03-12T13:00:00.000Z"]);
  });
});

describe("calendar_modify's copies", () => {
  test.each(["ical.js", "tz.js", "caldav.js", "when.js"])("%s is identical in both skills (skills cannot import each other)", (f) => {
    expect(readFileSync(join(import.meta.dir, "../calendar_modify", f), "utf8")).toBe(readFileSync(join(import.meta.dir, f), "utf8"));
  });
});
