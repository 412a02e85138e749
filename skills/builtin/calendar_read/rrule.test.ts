// Recurrence expansion, run directly (the skill is plain JS with no host globals). Expected
// occurrences are the ones RFC 5545 §3.8.5.3 lists for its examples, or worked out by hand from
// a calendar for the rules users' clients write (Thunderbird, Outlook).
import { describe, expect, test } from "bun:test";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { occurrences } from "./events.js";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { expand, expandSeries, parseRule } from "./rrule.js";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { wallOf } from "./tz.js";

const w = (s: string) => wallOf(s) as number;
const iso = (t: number) => new Date(t).toISOString().slice(0, 16);
/** The rule's occurrences from `start` (a wall time) up to 2031, as "YYYY-MM-DDTHH:MM". */
const series = (start: string, rule: string, max = "20310101T000000") => {
  const r = parseRule(rule);
  return (expand(w(start), r, r.UNTIL ? w(r.UNTIL) : null, w(max)) as number[]).map(iso);
};
const at = (time: string, ...days: string[]) => days.map((d) => `${d}T${time}`);

describe("the rules users' clients write", () => {
  test("every weekday (Thunderbird: DAILY;BYDAY=MO..FR) skips weekends", () => {
    expect(series("20260302T090000", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=7")).toEqual(
      at("09:00", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-09", "2026-03-10"));
  });

  test("Friday the 13th: BYMONTHDAY and BYDAY intersect in a MONTHLY rule", () => {
    expect(series("20260213T180000", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=5")).toEqual(
      at("18:00", "2026-02-13", "2026-03-13", "2026-11-13", "2027-08-13", "2028-10-13"));
  });

  test("every other weekend: weeks are counted from WKST=MO", () => {
    expect(series("20260307T100000", "FREQ=WEEKLY;WKST=MO;INTERVAL=2;BYDAY=SA,SU;COUNT=4")).toEqual(
      at("10:00", "2026-03-07", "2026-03-08", "2026-03-21", "2026-03-22"));
  });

  test("WKST defaults to MO", () => {
    expect(series("20260307T100000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;COUNT=4")).toEqual(
      at("10:00", "2026-03-07", "2026-03-08", "2026-03-21", "2026-03-22"));
  });

  test("last weekday of the month (Outlook: BYDAY=MO..FR;BYSETPOS=-1)", () => {
    expect(series("20260331T160000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=8")).toEqual(
      at("16:00", "2026-03-31", "2026-04-30", "2026-05-29", "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-30"));
  });

  test("first weekday of the month; first and last of a year's January and July weekdays (BYSETPOS in YEARLY)", () => {
    expect(series("20260601T090000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;COUNT=4")).toEqual(
      at("09:00", "2026-06-01", "2026-07-01", "2026-08-03", "2026-09-01"));
    expect(series("20260101T090000", "FREQ=YEARLY;BYMONTH=1,7;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1;COUNT=5")).toEqual(
      at("09:00", "2026-01-01", "2026-07-31", "2027-01-01", "2027-07-30", "2028-01-03"));
  });

  test("BYSETPOS in a WEEKLY rule: the last of Mon/Wed/Fri is each Friday", () => {
    expect(series("20260109T090000", "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=-1;COUNT=3")).toEqual(at("09:00", "2026-01-09", "2026-01-16", "2026-01-23"));
  });

  test("BYMONTH limits DAILY and WEEKLY rules", () => {
    expect(series("20260127T090000", "FREQ=DAILY;BYMONTH=1,3;COUNT=6")).toEqual(
      at("09:00", "2026-01-27", "2026-01-28", "2026-01-29", "2026-01-30", "2026-01-31", "2026-03-01"));
    expect(series("20260127T090000", "FREQ=WEEKLY;BYMONTH=1,3;COUNT=3")).toEqual(at("09:00", "2026-01-27", "2026-03-03", "2026-03-10"));
  });

  test("negative BYMONTHDAY, and ordinal BYDAY within a month of a YEARLY rule", () => {
    expect(series("20260131T090000", "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4")).toEqual(at("09:00", "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"));
    // Mother's day in the US and the last Sunday of October (both ordinals counted in the month).
    expect(series("20260510T090000", "FREQ=YEARLY;BYMONTH=5;BYDAY=2SU;COUNT=3")).toEqual(at("09:00", "2026-05-10", "2027-05-09", "2028-05-14"));
    expect(series("20261025T030000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;COUNT=3")).toEqual(at("03:00", "2026-10-25", "2027-10-31", "2028-10-29"));
  });

  test("a negative BYYEARDAY counts from the end of the year (leap years too)", () => {
    expect(series("20261231T090000", "FREQ=YEARLY;BYYEARDAY=-1,-366;COUNT=4")).toEqual(at("09:00", "2026-12-31", "2027-12-31", "2028-01-01", "2028-12-31"));
  });

  test("BYWEEKNO: ISO weeks from WKST, week 1 may begin in December, week 53 only in long years", () => {
    expect(series("20241230T090000", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO;COUNT=3")).toEqual(at("09:00", "2024-12-30", "2025-12-29", "2027-01-04"));
    expect(series("20261231T090000", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH;COUNT=3", "20400101T000000")).toEqual(at("09:00", "2026-12-31", "2032-12-30", "2037-12-31"));
  });

  test("BYHOUR and BYMINUTE expand each day; DTSTART's time is the default", () => {
    expect(series("20260302T090000", "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30;COUNT=6")).toEqual([
      "2026-03-02T09:00", "2026-03-02T09:30", "2026-03-02T17:00", "2026-03-02T17:30", "2026-03-03T09:00", "2026-03-03T09:30",
    ]);
  });

  test("COUNT counts only dates that exist (no February 30th), and UNTIL is inclusive", () => {
    expect(series("20260130T090000", "FREQ=MONTHLY;COUNT=3")).toEqual(at("09:00", "2026-01-30", "2026-03-30", "2026-04-30"));
    expect(series("20260302T090000", "FREQ=WEEKLY;UNTIL=20260316T090000")).toEqual(at("09:00", "2026-03-02", "2026-03-09", "2026-03-16"));
  });

  test("DTSTART always counts as the first occurrence (§3.3.10), even off the rule", () => {
    expect(series("20260303T090000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3")).toEqual(at("09:00", "2026-03-03", "2026-03-31", "2026-04-30"));
  });
});

describe("RFC 5545 §3.8.5.3 examples", () => {
  test("every 10 days, 5 occurrences", () => {
    expect(series("19970902T090000", "FREQ=DAILY;INTERVAL=10;COUNT=5")).toEqual(at("09:00", "1997-09-02", "1997-09-12", "1997-09-22", "1997-10-02", "1997-10-12"));
  });

  test("every other week on Tuesday and Thursday, for 8 occurrences", () => {
    expect(series("19970902T090000", "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH")).toEqual(
      at("09:00", "1997-09-02", "1997-09-04", "1997-09-16", "1997-09-18", "1997-09-30", "1997-10-02", "1997-10-14", "1997-10-16"));
  });

  test("monthly on the first Friday for 10 occurrences", () => {
    expect(series("19970905T090000", "FREQ=MONTHLY;COUNT=10;BYDAY=1FR")).toEqual(
      at("09:00", "1997-09-05", "1997-10-03", "1997-11-07", "1997-12-05", "1998-01-02", "1998-02-06", "1998-03-06", "1998-04-03", "1998-05-01", "1998-06-05"));
  });

  test("every other month on the first and last Sunday of the month for 10 occurrences", () => {
    expect(series("19970907T090000", "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU")).toEqual(
      at("09:00", "1997-09-07", "1997-09-28", "1997-11-02", "1997-11-30", "1998-01-04", "1998-01-25", "1998-03-01", "1998-03-29", "1998-05-03", "1998-05-31"));
  });

  test("monthly on the second-to-last Monday of the month for 6 months", () => {
    expect(series("19970922T090000", "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO")).toEqual(
      at("09:00", "1997-09-22", "1997-10-20", "1997-11-17", "1997-12-22", "1998-01-19", "1998-02-16"));
  });

  test("monthly on the third-to-the-last day of the month", () => {
    expect(series("19970928T090000", "FREQ=MONTHLY;BYMONTHDAY=-3", "19980301T000000")).toEqual(
      at("09:00", "1997-09-28", "1997-10-29", "1997-11-28", "1997-12-29", "1998-01-29", "1998-02-26"));
  });

  test("monthly on the 2nd and 15th of the month for 10 occurrences", () => {
    expect(series("19970902T090000", "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15")).toEqual(
      at("09:00", "1997-09-02", "1997-09-15", "1997-10-02", "1997-10-15", "1997-11-02", "1997-11-15", "1997-12-02", "1997-12-15", "1998-01-02", "1998-01-15"));
  });

  test("yearly in June and July for 10 occurrences", () => {
    expect(series("19970610T090000", "FREQ=YEARLY;COUNT=10;BYMONTH=6,7")).toEqual(
      at("09:00", "1997-06-10", "1997-07-10", "1998-06-10", "1998-07-10", "1999-06-10", "1999-07-10", "2000-06-10", "2000-07-10", "2001-06-10", "2001-07-10"));
  });

  test("every third year on the 1st, 100th and 200th day for 10 occurrences", () => {
    expect(series("19970101T090000", "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200")).toEqual(
      at("09:00", "1997-01-01", "1997-04-10", "1997-07-19", "2000-01-01", "2000-04-09", "2000-07-18", "2003-01-01", "2003-04-10", "2003-07-19", "2006-01-01"));
  });

  test("every 20th Monday of the year, and Monday of week number 20", () => {
    expect(series("19970519T090000", "FREQ=YEARLY;BYDAY=20MO", "20000101T000000")).toEqual(at("09:00", "1997-05-19", "1998-05-18", "1999-05-17"));
    expect(series("19970512T090000", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "20000101T000000")).toEqual(at("09:00", "1997-05-12", "1998-05-11", "1999-05-17"));
  });

  test("every Thursday in March", () => {
    expect(series("19970313T090000", "FREQ=YEARLY;BYMONTH=3;BYDAY=TH", "20000101T000000")).toEqual(
      at("09:00", "1997-03-13", "1997-03-20", "1997-03-27", "1998-03-05", "1998-03-12", "1998-03-19", "1998-03-26", "1999-03-04", "1999-03-11", "1999-03-18", "1999-03-25"));
  });

  test("the first Saturday that follows the first Sunday of the month", () => {
    expect(series("19970913T090000", "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13", "19980701T000000")).toEqual(
      at("09:00", "1997-09-13", "1997-10-11", "1997-11-08", "1997-12-13", "1998-01-10", "1998-02-07", "1998-03-07", "1998-04-11", "1998-05-09", "1998-06-13"));
  });

  test("every four years, the first Tuesday after a Monday in November (US election day)", () => {
    expect(series("19961105T090000", "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", "20050101T000000")).toEqual(
      at("09:00", "1996-11-05", "2000-11-07", "2004-11-02"));
  });

  test("the third instance of Tuesday, Wednesday or Thursday into the month, for 3 months", () => {
    expect(series("19970904T090000", "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3")).toEqual(at("09:00", "1997-09-04", "1997-10-07", "1997-11-06"));
  });

  test("the last work day of the month (BYSETPOS=-1)", () => {
    // The RFC starts this example on Mon 29 Sep 1997, off the rule; started on the rule, the
    // series is the RFC's list. (The RFC prints "March 30" for 1998, an erratum: the 31st is a Tuesday.)
    expect(series("19970930T090000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "19980401T000000")).toEqual(
      at("09:00", "1997-09-30", "1997-10-31", "1997-11-28", "1997-12-31", "1998-01-30", "1998-02-27", "1998-03-31"));
  });

  test("WKST changes which days an INTERVAL=2 weekly rule generates", () => {
    expect(series("19970805T090000", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO")).toEqual(at("09:00", "1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"));
    expect(series("19970805T090000", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU")).toEqual(at("09:00", "1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"));
  });

  test("an invalid date (the 30th of February) is skipped, not counted", () => {
    expect(series("20070115T090000", "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5")).toEqual(at("09:00", "2007-01-15", "2007-01-30", "2007-02-15", "2007-03-15", "2007-03-30"));
  });
});

describe("bounds", () => {
  test("a series that began long ago is expanded from the range, not from its start", () => {
    const r = expandSeries(w("20000103T090000"), parseRule("FREQ=WEEKLY;INTERVAL=2"), { minWall: w("20260301T000000"), maxWall: w("20260331T000000") });
    expect(r).toEqual({ starts: [w("20260309T090000"), w("20260323T090000")], problem: null });
    const daily = expandSeries(w("19000101T090000"), parseRule("FREQ=DAILY"), { minWall: w("20260301T000000"), maxWall: w("20260303T235959") });
    expect(daily.starts.map(iso)).toEqual(at("09:00", "2026-03-01", "2026-03-02", "2026-03-03"));
  });

  test("a rule that never matches stops at a cap and says so", () => {
    const r = expandSeries(w("20260101T090000"), parseRule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"), { maxWall: w("99990101T000000") });
    expect(r.starts).toEqual([w("20260101T090000")]);
    expect(r.problem).toBe("more than 100000 days to examine");
  });

  test.each([
    ["FREQ=HOURLY;INTERVAL=3", "FREQ=HOURLY"], ["FREQ=MONTHLY;RSCALE=HEBREW", "RSCALE"], ["FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0"],
    ["FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX"], ["FREQ=DAILY;UNTIL=tomorrow", "UNTIL=TOMORROW"], ["COUNT=3", "FREQ=(missing)"],
  ])("%s is reported (%s), with DTSTART kept", (rule, problem) => {
    expect(expandSeries(w("20260101T090000"), parseRule(rule), { maxWall: w("20270101T000000") })).toEqual({ starts: [w("20260101T090000")], problem });
  });
});

// Occurrences through events.js: zones, UNTIL as an instant, EXDATE, overrides, cancellations.
const WEST_EUROPE = "BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
// New York as it was from 1987 to 2006 and since 2007, for the RFC's 1997-2000 examples.
const NEW_YORK = "BEGIN:VTIMEZONE\nTZID:America/New_York\nBEGIN:DAYLIGHT\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nDTSTART:19870405T020000\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z\nEND:DAYLIGHT\nBEGIN:STANDARD\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nDTSTART:19671029T020000\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20061029T060000Z\nEND:STANDARD\nEND:VTIMEZONE\n";
const calendar = (tz: string, ...events: string[]) => ({ href: "h", etag: "", data: `BEGIN:VCALENDAR\nVERSION:2.0\n${tz}${events.join("")}END:VCALENDAR\n`.replace(/\n/g, "\r\n") });
const vevent = (lines: string) => `BEGIN:VEVENT\nDTSTAMP:20260101T000000Z\n${lines}END:VEVENT\n`;
type Occ = { startMs: number; endMs: number; summary: string; status?: string; note?: string; recurring: boolean };
const read = (objects: unknown[], from: string, to: string, offset = 0) => occurrences(objects, Date.parse(from), Date.parse(to), offset) as Occ[];
const utc = (list: Occ[]) => list.map((e) => new Date(e.startMs).toISOString().slice(0, 16) + "Z");

describe("occurrences of a series", () => {
  test("a UTC UNTIL across a DST change keeps the last occurrence (Outlook, W. Europe Standard Time)", () => {
    const obj = calendar(WEST_EUROPE, vevent("UID:jf\nDTSTART;TZID=W. Europe Standard Time:20260302T090000\nDTEND;TZID=W. Europe Standard Time:20260302T093000\nRRULE:FREQ=WEEKLY;UNTIL=20260427T070000Z;INTERVAL=1;BYDAY=MO;WKST=MO\nSUMMARY:Jour fixe\n"));
    expect(utc(read([obj], "2026-03-01T00:00:00Z", "2026-06-01T00:00:00Z"))).toEqual([
      "2026-03-02T08:00Z", "2026-03-09T08:00Z", "2026-03-16T08:00Z", "2026-03-23T08:00Z",
      "2026-03-30T07:00Z", "2026-04-06T07:00Z", "2026-04-13T07:00Z", "2026-04-20T07:00Z", "2026-04-27T07:00Z",
    ]);
  });

  test("RFC: every day in January for 3 years, YEARLY and DAILY forms, UNTIL the last 9:00 EST exactly", () => {
    const days = (y: number) => Array.from({ length: 31 }, (_, i) => `${y}-01-${String(i + 1).padStart(2, "0")}T14:00Z`);
    for (const rule of ["FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA", "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1"]) {
      const obj = calendar(NEW_YORK, vevent(`UID:jan\nDTSTART;TZID=America/New_York:19980101T090000\nDURATION:PT1H\nRRULE:${rule}\n`));
      expect(utc(read([obj], "1997-12-01T00:00:00Z", "2001-01-01T00:00:00Z"))).toEqual([...days(1998), ...days(1999), ...days(2000)]);
    }
  });

  test("RFC: monthly on the first Friday until 24 Dec 1997, across the end of daylight time", () => {
    const obj = calendar(NEW_YORK, vevent("UID:ff\nDTSTART;TZID=America/New_York:19970905T090000\nRRULE:FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR\n"));
    expect(utc(read([obj], "1997-09-01T00:00:00Z", "1998-03-01T00:00:00Z"))).toEqual(["1997-09-05T13:00Z", "1997-10-03T13:00Z", "1997-11-07T14:00Z", "1997-12-05T14:00Z"]);
  });

  test("RFC: every Friday the 13th, DTSTART removed by EXDATE", () => {
    const obj = calendar(NEW_YORK, vevent("UID:f13\nDTSTART;TZID=America/New_York:19970902T090000\nEXDATE;TZID=America/New_York:19970902T090000\nRRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13\n"));
    expect(utc(read([obj], "1997-01-01T00:00:00Z", "2001-01-01T00:00:00Z"))).toEqual(["1998-02-13T14:00Z", "1998-03-13T14:00Z", "1998-11-13T14:00Z", "1999-08-13T13:00Z", "2000-10-13T13:00Z"]);
  });

  test("every weekday with an EXDATE, a moved instance and a cancelled one (Thunderbird)", () => {
    const obj = calendar("",
      vevent("UID:su\nDTSTART:20260302T083000Z\nDTEND:20260302T084500Z\nRRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR\nEXDATE:20260304T083000Z\nSUMMARY:Standup\n"),
      vevent("UID:su\nRECURRENCE-ID:20260305T083000Z\nDTSTART:20260305T100000Z\nDTEND:20260305T101500Z\nSUMMARY:Standup (moved)\n"),
      vevent("UID:su\nRECURRENCE-ID:20260306T083000Z\nDTSTART:20260306T083000Z\nDTEND:20260306T084500Z\nSTATUS:CANCELLED\nSUMMARY:Standup\n"));
    const got = read([obj], "2026-03-02T00:00:00Z", "2026-03-10T00:00:00Z");
    expect(got.map((e) => [new Date(e.startMs).toISOString().slice(0, 16), e.summary, e.status ?? ""])).toEqual([
      ["2026-03-02T08:30", "Standup", ""], ["2026-03-03T08:30", "Standup", ""], ["2026-03-05T10:00", "Standup (moved)", ""],
      ["2026-03-06T08:30", "Standup", "CANCELLED"], ["2026-03-09T08:30", "Standup", ""],
    ]);
    expect(got.every((e) => e.recurring)).toBe(true);
  });

  test("a cancelled series keeps its status on every occurrence", () => {
    const obj = calendar("", vevent("UID:c\nDTSTART:20260302T120000Z\nRRULE:FREQ=DAILY;COUNT=2\nSTATUS:Cancelled\nSUMMARY:Lunch\n"));
    expect(read([obj], "2026-03-01T00:00:00Z", "2026-03-05T00:00:00Z").map((e) => e.status)).toEqual(["CANCELLED", "CANCELLED"]);
  });

  test("RDATEs add occurrences to a rule (duplicates once)", () => {
    const obj = calendar("", vevent("UID:r\nDTSTART:20260302T120000Z\nRRULE:FREQ=WEEKLY;COUNT=2\nRDATE:20260304T150000Z,20260309T120000Z\nRDATE;VALUE=PERIOD:20260320T100000Z/20260320T110000Z\nSUMMARY:R\n"));
    expect(utc(read([obj], "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"))).toEqual(["2026-03-02T12:00Z", "2026-03-04T15:00Z", "2026-03-09T12:00Z", "2026-03-20T10:00Z"]);
  });

  test("a rule that cannot be expanded shows its first occurrence with a note instead of vanishing", () => {
    const obj = calendar("", vevent("UID:h\nDTSTART:20260302T090000Z\nRRULE:FREQ=HOURLY;INTERVAL=3\nSUMMARY:Ping\n"));
    const got = read([obj], "2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z");
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ startMs: Date.parse("2026-03-02T09:00:00Z"), summary: "Ping", note: "the recurrence could not be fully expanded (FREQ=HOURLY in its rule); only its first occurrence is shown" });
    expect(read([obj], "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z")).toEqual([]);
  });

  test("a floating series late in the day belongs to the user's day", () => {
    const obj = calendar("", vevent("UID:f\nDTSTART:20260310T223000\nDTEND:20260310T233000\nRRULE:FREQ=DAILY;COUNT=3\nSUMMARY:Late call\n"));
    // 22:30 at +02:00 is 20:30Z.
    expect(utc(read([obj], "2026-03-10T22:00:00Z", "2026-03-12T22:00:00Z", 120))).toEqual(["2026-03-11T20:30Z", "2026-03-12T20:30Z"]);
  });
});
