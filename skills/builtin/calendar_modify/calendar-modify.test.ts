// calendar_modify's own code run directly (plain JS with no host globals): strict dates, TEXT
// escaping, and an update's new times written in the event's own form.
import { describe, expect, test } from "bun:test";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { escapeText, line, parseICal, prop, props, serialize } from "./ical.js";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { retime } from "./retime.js";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { wallAt, wallOf } from "./tz.js";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { instant, rangeOf } from "./when.js";

type Comp = { name: string; props: { name: string; params: Record<string, string>; value: string }[]; children: Comp[] };
const NY_TZ = "BEGIN:VTIMEZONE\nTZID:America/New_York\nBEGIN:DAYLIGHT\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nDTSTART:20070311T020000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\nEND:DAYLIGHT\nBEGIN:STANDARD\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nDTSTART:20071104T020000\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\nEND:STANDARD\nEND:VTIMEZONE\n";
const cal = (body: string) => parseICal(`BEGIN:VCALENDAR\n${NY_TZ}${body}END:VCALENDAR\n`.replace(/\n/g, "\r\n")).children[0] as Comp;
const vevents = (c: Comp) => c.children.filter((k) => k.name === "VEVENT");
const val = (c: Comp | undefined, name: string) => props(c, name).map((p: { params: Record<string, string>; value: string }) => `${Object.entries(p.params).map(([k, v]) => `${k}=${v}`).join(";")}:${p.value}`);

describe("dates that do not exist are refused, naming the parameter", () => {
  test.each([
    ["2026-02-30T10:00:00+01:00", "start: 2026-02-30 is not a date"],
    ["2026-13-45", "start: 2026-13-45 is not a date"],
    ["2026-02-29", "start: 2026-02-29 is not a date"],
    ["2026-04-31T09:00", "start: 2026-04-31 is not a date"],
    ["2026-03-02T24:00:00Z", "start: 24:00:00 is not a time of day"],
    ["2026-03-02T09:60", "start: 09:60 is not a time of day"],
    ["2026-03-02T09:00:00+15:00", "start: +15:00 is not a UTC offset"],
    ["0026-03-02", "start: 0026-03-02 is not a date"],
    ["2026-00-10", "start: 2026-00-10 is not a date"],
    ["2026-03-00T10:00Z", "start: 2026-03-00 is not a date"],
    ["tomorrow", "start must be a date (2026-01-28) or an ISO time"],
  ])("%s", (text, message) => expect(() => instant(text, 60, "start")).toThrow(message));

  test("real dates and times still parse, leap days included", () => {
    expect(instant("2028-02-29", 60, "start")).toBe(Date.UTC(2028, 1, 28, 23));
    expect(instant("2026-03-02T09:00:00-05:00", 60, "start")).toBe(Date.UTC(2026, 2, 2, 14));
    expect(instant("2026-03-02T09:00", 60, "start")).toBe(Date.UTC(2026, 2, 2, 8));
    expect(instant("2026-03-02T09:00:00.5Z", 0, "start")).toBe(Date.UTC(2026, 2, 2, 9, 0, 0, 500));
  });

  test("calendar_read's date is checked the same way", () => {
    expect(() => rangeOf({ date: "2026-02-30" }, 60)).toThrow("date: 2026-02-30 is not a date");
  });
});

describe("TEXT and parameters cannot start a property line", () => {
  test.each([["\r"], ["\n"], ["\r\n"]])("line break %j becomes \\n", (br) => {
    const v = escapeText(`Lunch${br}ORGANIZER:mailto:boss@example.com`);
    expect(v).toBe("Lunch\\nORGANIZER:mailto:boss@example.com");
    const c = parseICal(`BEGIN:VEVENT\r\nSUMMARY:${v}\r\nEND:VEVENT\r\n`).children[0];
    expect(c.props.map((p: { name: string }) => p.name)).toEqual(["SUMMARY"]);
  });

  test("other control characters are dropped, tabs kept", () => {
    expect(escapeText("a\u0000b\u0007c\u000bd\u001fe\u007ff\tg")).toBe("abcdef\tg");
  });

  test("parameter values lose quotes and line breaks and are quoted when needed", () => {
    expect(line("DTSTART", { TZID: 'Evil"\r\nORGANIZER:x' }, "20260302T090000")).toBe('DTSTART;TZID="EvilORGANIZER:x":20260302T090000');
    expect(line("DTSTART", { TZID: "W. Europe Standard Time" }, "1")).toBe("DTSTART;TZID=W. Europe Standard Time:1");
  });
});

describe("UTC → wall time in a VTIMEZONE", () => {
  const ny = parseICal(NY_TZ.replace(/\n/g, "\r\n")).children[0];
  test.each([
    ["2026-03-02T14:00:00Z", "20260302T090000"], ["2026-03-09T13:00:00Z", "20260309T090000"],
    ["2026-03-08T06:59:00Z", "20260308T015900"], ["2026-03-08T07:00:00Z", "20260308T030000"],
    ["2026-11-01T05:30:00Z", "20261101T013000"], ["2026-11-01T06:30:00Z", "20261101T013000"],
  ])("%s is %s in New York", (u, w) => expect(wallAt(ny, Date.parse(u))).toBe(wallOf(w)));
});

describe("an update writes times in the event's own form", () => {
  const SERIES = "BEGIN:VEVENT\nUID:s\nDTSTART;TZID=America/New_York:20260302T083000\nDTEND;TZID=America/New_York:20260302T091500\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260331T123000Z\nEXDATE;TZID=America/New_York:20260305T083000,20260306T083000\nEND:VEVENT\n"
    + "BEGIN:VEVENT\nUID:s\nRECURRENCE-ID;TZID=America/New_York:20260310T083000\nDTSTART;TZID=America/New_York:20260310T110000\nDTEND;TZID=America/New_York:20260310T114500\nEND:VEVENT\n"
    + "BEGIN:VEVENT\nUID:s\nRECURRENCE-ID;TZID=America/New_York:20260311T083000\nDTSTART;TZID=America/New_York:20260311T083000\nDTEND;TZID=America/New_York:20260311T091500\nSTATUS:CANCELLED\nEND:VEVENT\n";

  test("a zoned series moved to 9:00 keeps its zone and length; exclusions, overrides and UNTIL follow", () => {
    const c = cal(SERIES);
    const [ev, moved, cancelled] = vevents(c);
    const r = retime(c, ev, { start: "2026-03-02T09:00:00-05:00" }, 60);
    expect(r).toEqual({ changed: ["dtstart", "dtend"], moved: { exdates: 2, overrides: 2 } });
    expect(val(ev, "DTSTART")).toEqual(["TZID=America/New_York:20260302T090000"]);
    expect(val(ev, "DTEND")).toEqual(["TZID=America/New_York:20260302T094500"]);
    expect(val(ev, "EXDATE")).toEqual(["TZID=America/New_York:20260305T090000,20260306T090000"]);
    expect(prop(ev, "RRULE").value).toBe("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260331T130000Z");
    expect(val(moved, "RECURRENCE-ID")).toEqual(["TZID=America/New_York:20260310T090000"]);
    expect(val(moved, "DTSTART")).toEqual(["TZID=America/New_York:20260310T110000"]);
    expect(val(cancelled, "RECURRENCE-ID")).toEqual(["TZID=America/New_York:20260311T090000"]);
    expect(val(cancelled, "DTSTART")).toEqual(["TZID=America/New_York:20260311T090000"]);
    expect(val(cancelled, "DTEND")).toEqual(["TZID=America/New_York:20260311T094500"]);
    expect(serialize(c)).toContain("DTSTART;TZID=America/New_York:20260302T090000\r\n");
  });

  test("moving a weekday series to another day is refused rather than breaking its rule", () => {
    const c = cal(SERIES);
    expect(() => retime(c, vevents(c)[0], { start: "2026-03-03T09:00:00-05:00" }, 0)).toThrow("start: moving this repeating series to another day would not move its rule");
  });

  test("only end: a DURATION gives way to DTEND; only start keeps a DURATION as it is", () => {
    const c = cal("BEGIN:VEVENT\nUID:d\nDTSTART:20260302T140000Z\nDURATION:PT45M\nEND:VEVENT\n");
    const ev = vevents(c)[0];
    retime(c, ev, { start: "2026-03-04T10:00:00Z" }, 0);
    expect(val(ev, "DTSTART")).toEqual([":20260304T100000Z"]);
    expect(val(ev, "DURATION")).toEqual([":PT45M"]);
    retime(c, ev, { end: "2026-03-04T12:00:00+01:00" }, 0);
    expect(val(ev, "DTEND")).toEqual([":20260304T110000Z"]);
    expect(val(ev, "DURATION")).toEqual([]);
    expect(() => retime(c, ev, { end: "2026-03-04T09:00:00Z" }, 0)).toThrow("end must be after start");
  });

  test("an all-day event moved with a date stays all-day and keeps its number of days", () => {
    const c = cal("BEGIN:VEVENT\nUID:a\nDTSTART;VALUE=DATE:20260302\nDTEND;VALUE=DATE:20260304\nEND:VEVENT\n");
    const ev = vevents(c)[0];
    retime(c, ev, { start: "2026-03-10" }, 60);
    expect(val(ev, "DTSTART")).toEqual(["VALUE=DATE:20260310"]);
    expect(val(ev, "DTEND")).toEqual(["VALUE=DATE:20260312"]);
    expect(() => retime(c, ev, { end: "2026-03-12T10:00:00Z" }, 60)).toThrow("end: the event is all-day");
  });
});

describe("an update in a zone with one-off changes or across a clock change", () => {
  const zoned = (tz: string, body: string) => parseICal(`BEGIN:VCALENDAR\n${tz}${body}END:VCALENDAR\n`.replace(/\n/g, "\r\n")).children[0] as Comp;
  const KOLKATA = "BEGIN:VTIMEZONE\nTZID:Asia/Kolkata\nBEGIN:STANDARD\nDTSTART:19451015T000000\nTZNAME:IST\nTZOFFSETFROM:+0630\nTZOFFSETTO:+0530\nEND:STANDARD\nEND:VTIMEZONE\n";
  const KATHMANDU = "BEGIN:VTIMEZONE\nTZID:Asia/Kathmandu\nBEGIN:STANDARD\nTZOFFSETFROM:+054116\nTZOFFSETTO:+0530\nDTSTART:19200101T000000\nRDATE:19200101T000000\nEND:STANDARD\nBEGIN:STANDARD\nTZOFFSETFROM:+0530\nTZOFFSETTO:+0545\nDTSTART:19860101T000000\nRDATE:19860101T000000\nEND:STANDARD\nEND:VTIMEZONE\n";
  const BERLIN = "BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:DAYLIGHT\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nDTSTART:19700329T020000\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nBEGIN:STANDARD\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nDTSTART:19701025T030000\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\nEND:VTIMEZONE\n";

  test("Kathmandu (+05:45 since 1986): 10:00+05:45 is written as 10:00, without seconds, and the length is kept", () => {
    const c = zoned(KATHMANDU, "BEGIN:VEVENT\nUID:k\nDTSTART;TZID=Asia/Kathmandu:20261203T090000\nDTEND;TZID=Asia/Kathmandu:20261203T100000\nEND:VEVENT\n");
    const ev = vevents(c)[0];
    retime(c, ev, { start: "2026-12-03T10:00:00+05:45" }, 0);
    expect(val(ev, "DTSTART")).toEqual(["TZID=Asia/Kathmandu:20261203T100000"]);
    expect(val(ev, "DTEND")).toEqual(["TZID=Asia/Kathmandu:20261203T110000"]);
  });

  test("Apple's Asia/Kolkata (one STANDARD block from 1945): 16:00+05:30 is written as 16:00", () => {
    const c = zoned(KOLKATA, "BEGIN:VEVENT\nUID:i\nDTSTART;TZID=Asia/Kolkata:20261202T150000\nDTEND;TZID=Asia/Kolkata:20261202T160000\nEND:VEVENT\n");
    const ev = vevents(c)[0];
    retime(c, ev, { start: "2026-12-02T16:00:00+05:30", end: "2026-12-02T17:30:00+05:30" }, 0);
    expect(val(ev, "DTSTART")).toEqual(["TZID=Asia/Kolkata:20261202T160000"]);
    expect(val(ev, "DTEND")).toEqual(["TZID=Asia/Kolkata:20261202T173000"]);
  });

  test("a Berlin series starting at 02:30 on the spring-forward day keeps its half hour when only the end moves", () => {
    const c = zoned(BERLIN, "BEGIN:VEVENT\nUID:b\nDTSTART;TZID=Europe/Berlin:20260329T023000\nDTEND;TZID=Europe/Berlin:20260329T030000\nEND:VEVENT\n");
    const ev = vevents(c)[0];
    // 02:30 does not exist that day: it is 03:30 CEST (01:30Z), so an end at 04:30 CEST is an hour later.
    retime(c, ev, { end: "2026-03-29T04:30:00+02:00" }, 0);
    expect(val(ev, "DTEND")).toEqual(["TZID=Europe/Berlin:20260329T043000"]);
    expect(() => retime(c, ev, { end: "2026-03-29T03:15:00+02:00" }, 0)).toThrow("end must be after start");
  });
});

describe("the hour repeated when clocks go back", () => {
  const c = () => cal("BEGIN:VEVENT\nUID:n\nDTSTART;TZID=America/New_York:20261031T090000\nDTEND;TZID=America/New_York:20261031T100000\nEND:VEVENT\n");
  test("01:30 EDT (the first pass) is written as 01:30 in the zone", () => {
    const cc = c(), ev = vevents(cc)[0];
    retime(cc, ev, { start: "2026-11-01T01:30:00-04:00" }, 0);
    expect(val(ev, "DTSTART")).toEqual(["TZID=America/New_York:20261101T013000"]);
  });

  test("01:30 EST (the second pass) is refused rather than written as 01:30, which means EDT", () => {
    const cc = c();
    expect(() => retime(cc, vevents(cc)[0], { start: "2026-11-01T01:30:00-05:00" }, 0)).toThrow("start: 2026-11-01T01:30:00-05:00 is the second time the clock shows 01:30 in America/New_York");
  });
});
