// RECURRENCE-ID;RANGE=THISANDFUTURE (RFC 5545 §3.8.4.4), run directly: the override changes its
// own instance and every later one of the series (title, length, time, place, notes, status).
import { describe, expect, test } from "bun:test";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { occurrences } from "./events.js";

const NY = "BEGIN:VTIMEZONE\nTZID:America/New_York\nBEGIN:DAYLIGHT\nTZOFFSETFROM:-0500\nDTSTART:20070311T020000\nTZOFFSETTO:-0400\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\nEND:DAYLIGHT\nBEGIN:STANDARD\nTZOFFSETFROM:-0400\nDTSTART:20071104T020000\nTZOFFSETTO:-0500\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\nEND:STANDARD\nEND:VTIMEZONE\n";
const T = "TZID=America/New_York";
const cal = (...events: string[]) => `BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\n${NY}${events.join("")}END:VCALENDAR\n`.replace(/\n/g, "\r\n");
const vevent = (lines: string) => `BEGIN:VEVENT\nUID:g-daily@google.com\nDTSTAMP:20261101T000000Z\n${lines}END:VEVENT\n`;
// The tester's google.ics: a daily series, an EXDATE, one moved instance and a THISANDFUTURE change.
const MASTER = vevent(`DTSTART;${T}:20261026T090000\nDTEND;${T}:20261026T093000\nRRULE:FREQ=DAILY;UNTIL=20261106T135959Z\nEXDATE;${T}:20261028T090000\nSUMMARY:Daily sync\nLOCATION:Room 1\n`);
const MOVED = vevent(`DTSTART;${T}:20261030T150000\nDTEND;${T}:20261030T153000\nRECURRENCE-ID;${T}:20261030T090000\nSUMMARY:Daily sync (moved)\n`);

type Ev = { startMs: number; endMs: number; summary: string; location?: string; description?: string; status?: string };
const EST_FROM = Date.parse("2026-11-01T06:00:00Z");
/** Each occurrence as "MM-DD HH:MM–HH:MM summary @ location (status)", in New York time. */
const list = (data: string, from: string, to: string) =>
  (occurrences([{ href: "h", etag: "", data }], Date.parse(from), Date.parse(to), -300) as Ev[]).map((e) => {
    const t = (ms: number) => new Date(ms - (ms < EST_FROM ? 4 : 5) * 3600000).toISOString().slice(5, 16).replace("T", " ");
    return `${t(e.startMs)}–${t(e.endMs).slice(6)} ${e.summary}${e.location ? ` @ ${e.location}` : ""}${e.status ? ` (${e.status})` : ""}`;
  });

describe("RECURRENCE-ID;RANGE=THISANDFUTURE", () => {
  test("Google's change from Nov 3 on: that day and every later one is 'Daily sync v2', an hour long", () => {
    const data = cal(MASTER, MOVED, vevent(`DTSTART;${T}:20261103T090000\nDTEND;${T}:20261103T100000\nRECURRENCE-ID;RANGE=THISANDFUTURE;${T}:20261103T090000\nSUMMARY:Daily sync v2\nSEQUENCE:2\n`));
    expect(list(data, "2026-10-29T05:00:00Z", "2026-11-08T05:00:00Z")).toEqual([
      "10-29 09:00–09:30 Daily sync @ Room 1",
      "10-30 15:00–15:30 Daily sync (moved)",
      "10-31 09:00–09:30 Daily sync @ Room 1",
      "11-01 09:00–09:30 Daily sync @ Room 1",
      "11-02 09:00–09:30 Daily sync @ Room 1",
      "11-03 09:00–10:00 Daily sync v2",
      "11-04 09:00–10:00 Daily sync v2",
      "11-05 09:00–10:00 Daily sync v2",
    ]);
  });

  test("a new time moves the later instances by the same step; place, notes and status come from the change", () => {
    const data = cal(MASTER, vevent(`DTSTART;${T}:20261102T113000\nDTEND;${T}:20261102T120000\nRECURRENCE-ID;RANGE=THISANDFUTURE;${T}:20261102T090000\nSUMMARY:Late sync\nLOCATION:Room 9\nDESCRIPTION:new agenda\nSTATUS:TENTATIVE\n`));
    const got = list(data, "2026-11-01T05:00:00Z", "2026-11-08T05:00:00Z");
    expect(got).toEqual([
      "11-01 09:00–09:30 Daily sync @ Room 1",
      "11-02 11:30–12:00 Late sync @ Room 9 (TENTATIVE)",
      "11-03 11:30–12:00 Late sync @ Room 9 (TENTATIVE)",
      "11-04 11:30–12:00 Late sync @ Room 9 (TENTATIVE)",
      "11-05 11:30–12:00 Late sync @ Room 9 (TENTATIVE)",
    ]);
    const ev = occurrences([{ href: "h", etag: "", data }], Date.parse("2026-11-04T05:00:00Z"), Date.parse("2026-11-05T05:00:00Z"), -300) as Ev[];
    expect(ev).toHaveLength(1);
    expect(ev[0]!.description).toBe("new agenda");
  });

  test("an instance moved by a day into the range is found, one moved out of it is not shown", () => {
    const data = cal(MASTER, vevent(`DTSTART;${T}:20261103T090000\nDTEND;${T}:20261103T093000\nRECURRENCE-ID;RANGE=THISANDFUTURE;${T}:20261102T090000\nSUMMARY:Next-day sync\n`));
    expect(list(data, "2026-11-06T05:00:00Z", "2026-11-07T05:00:00Z")).toEqual(["11-06 09:00–09:30 Next-day sync"]);
    expect(list(data, "2026-11-02T05:00:00Z", "2026-11-03T05:00:00Z")).toEqual([]);
  });

  test("a later THISANDFUTURE change takes over from an earlier one; a single-instance change stays single", () => {
    const data = cal(MASTER,
      vevent(`DTSTART;${T}:20261101T100000\nDTEND;${T}:20261101T103000\nRECURRENCE-ID;RANGE=THISANDFUTURE;${T}:20261101T090000\nSUMMARY:Ten\n`),
      vevent(`DTSTART;${T}:20261102T140000\nDTEND;${T}:20261102T143000\nRECURRENCE-ID;${T}:20261102T090000\nSUMMARY:Once at two\n`),
      vevent(`DTSTART;${T}:20261104T080000\nDTEND;${T}:20261104T083000\nRECURRENCE-ID;RANGE=THISANDFUTURE;${T}:20261104T090000\nSUMMARY:Eight\n`));
    expect(list(data, "2026-11-01T05:00:00Z", "2026-11-08T05:00:00Z")).toEqual([
      "11-01 10:00–10:30 Ten",
      "11-02 14:00–14:30 Once at two",
      "11-03 10:00–10:30 Ten",
      "11-04 08:00–08:30 Eight",
      "11-05 08:00–08:30 Eight",
    ]);
  });
});
