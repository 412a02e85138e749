// Time zones from VTIMEZONE text (RFC 5545 §3.6.5), run directly: zones with one-off changes only
// (Apple's Asia/Kolkata, a full-history Asia/Kathmandu with local mean time in seconds), RDATE and
// COUNT observances, the spring-forward gap and the repeated hour (§3.3.5), Lord Howe's half-hour
// DST and the southern hemisphere. Expected instants are the tz database's.
import { describe, expect, test } from "bun:test";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { parseICal } from "./ical.js";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { parseOffset, utcIn, wallAt, wallOf, zoneOffset } from "./tz.js";

type Zone = unknown;
const zone = (id: string, ...blocks: string[]): Zone => parseICal(`BEGIN:VTIMEZONE\r\nTZID:${id}\r\n${blocks.join("")}END:VTIMEZONE\r\n`).children[0];
const block = (kind: "STANDARD" | "DAYLIGHT", start: string, from: string, to: string, extra = "") =>
  `BEGIN:${kind}\r\nDTSTART:${start}\r\nTZOFFSETFROM:${from}\r\nTZOFFSETTO:${to}\r\n${extra.replace(/\n/g, "\r\n")}END:${kind}\r\n`;
const w = (s: string) => wallOf(s) as number;
/** The instant a wall time of the zone means, as an ISO string without milliseconds. */
const utc = (z: Zone, wall: string) => new Date(utcIn(z, w(wall))).toISOString().replace(".000", "");
/** The zone's wall time at an instant, as "YYYYMMDDTHHMMSS". */
const wallText = (z: Zone, iso: string) => new Date(wallAt(z, Date.parse(iso))).toISOString().replace(/[-:]|\.000Z$/g, "");

// Exactly as iCloud and macOS Calendar send them (the seed files of the reported defects).
const KOLKATA = zone("Asia/Kolkata", block("STANDARD", "19451015T000000", "+0630", "+0530", "TZNAME:IST\n"));
const KATHMANDU = zone("Asia/Kathmandu",
  block("STANDARD", "19200101T000000", "+054116", "+0530", "RDATE:19200101T000000\n"),
  block("STANDARD", "19860101T000000", "+0530", "+0545", "RDATE:19860101T000000\n"));
const BERLIN = zone("Europe/Berlin",
  block("DAYLIGHT", "19700329T020000", "+0100", "+0200", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\n"),
  block("STANDARD", "19701025T030000", "+0200", "+0100", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\n"));
const NEW_YORK = zone("America/New_York",
  block("DAYLIGHT", "19870405T020000", "-0500", "-0400", "RRULE:FREQ=YEARLY;UNTIL=20060402T070000Z;BYMONTH=4;BYDAY=1SU\n"),
  block("STANDARD", "19671029T020000", "-0400", "-0500", "RRULE:FREQ=YEARLY;UNTIL=20061029T060000Z;BYMONTH=10;BYDAY=-1SU\n"),
  block("DAYLIGHT", "20070311T020000", "-0500", "-0400", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\n"),
  block("STANDARD", "20071104T020000", "-0400", "-0500", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\n"));
const LORD_HOWE = zone("Australia/Lord_Howe",
  block("STANDARD", "19700405T020000", "+1100", "+1030", "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU\n"),
  block("DAYLIGHT", "19701004T020000", "+1030", "+1100", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU\n"));
const SYDNEY = zone("Australia/Sydney",
  block("STANDARD", "20080406T030000", "+1100", "+1000", "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU\n"),
  block("DAYLIGHT", "20081005T020000", "+1000", "+1100", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU\n"));

describe("zones whose changes are one-off observances (no yearly rule)", () => {
  test("Apple's Asia/Kolkata: +05:30 since 1945, +06:30 before", () => {
    expect(zoneOffset(KOLKATA, w("20261202T150000"))).toBe(330);
    expect(utc(KOLKATA, "20261202T150000")).toBe("2026-12-02T09:30:00Z");
    expect(wallText(KOLKATA, "2026-12-02T09:30:00Z")).toBe("20261202T150000");
    expect(zoneOffset(KOLKATA, w("19450101T120000"))).toBe(390);
  });

  test("full-history Asia/Kathmandu: +05:45 since 1986, +05:30 from 1920, local mean time +05:41:16 before", () => {
    expect(zoneOffset(KATHMANDU, w("20261203T090000"))).toBe(345);
    expect(utc(KATHMANDU, "20261203T090000")).toBe("2026-12-03T03:15:00Z");
    expect(zoneOffset(KATHMANDU, w("19700601T120000"))).toBe(330);
    expect(utc(KATHMANDU, "19100101T000000")).toBe("1909-12-31T18:18:44Z");
  });

  test("a modern time never gains stray seconds from a zone's local mean time", () => {
    expect(wallText(KATHMANDU, "2026-12-03T04:15:00Z")).toBe("20261203T100000");
    for (const t of ["20261203T100000", "20260101T000000", "19870615T083000"]) {
      expect(utcIn(KATHMANDU, w(t)) % 60000).toBe(0);
      expect(wallAt(KATHMANDU, utcIn(KATHMANDU, w(t)))).toBe(w(t));
    }
  });

  test("RDATEs are onsets too: a DST observance listed year by year", () => {
    const z = zone("Test/Rdates",
      block("STANDARD", "20001001T030000", "+0300", "+0200", "RDATE:20011001T030000,20021001T030000\n"),
      block("DAYLIGHT", "20010401T020000", "+0200", "+0300", "RDATE:20020401T020000\n"));
    expect(["20000701T120000", "20001201T120000", "20010701T120000", "20011201T120000", "20020701T120000", "20030701T120000"]
      .map((t) => zoneOffset(z, w(t)))).toEqual([180, 120, 180, 120, 180, 120]);
  });

  test("an observance's COUNT ends its rule", () => {
    const z = zone("Test/Count",
      block("DAYLIGHT", "20000402T020000", "-0500", "-0400", "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;COUNT=3\n"),
      block("STANDARD", "19991031T020000", "-0400", "-0500", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\n"));
    expect(zoneOffset(z, w("20020701T120000"))).toBe(-240);
    expect(zoneOffset(z, w("20030701T120000"))).toBe(-300);
  });

  test("rules ended with UNTIL give way to the later ones (Google's America/New_York)", () => {
    expect(zoneOffset(NEW_YORK, w("20000403T120000"))).toBe(-240); // first Sunday of April 2000
    expect(zoneOffset(NEW_YORK, w("20000320T120000"))).toBe(-300);
    expect(zoneOffset(NEW_YORK, w("20260320T120000"))).toBe(-240); // second Sunday of March
    expect(zoneOffset(NEW_YORK, w("20261102T120000"))).toBe(-300);
  });

  test("offsets with seconds parse", () => {
    expect(parseOffset("+054116")).toBeCloseTo(341 + 16 / 60, 10);
    expect(parseOffset("-00:25:21")).toBeCloseTo(-(25 + 21 / 60), 10);
  });
});

describe("the hour skipped and the hour repeated (RFC 5545 §3.3.5)", () => {
  test("RFC 5545's own examples: 02:30 on the spring-forward day is 03:30 EDT; 01:30 on the fall-back day is EDT", () => {
    expect(utc(NEW_YORK, "20070311T023000")).toBe("2007-03-11T07:30:00Z");
    expect(utc(NEW_YORK, "20070311T013000")).toBe("2007-03-11T06:30:00Z");
    expect(utc(NEW_YORK, "20071104T013000")).toBe("2007-11-04T05:30:00Z");
  });

  test("Berlin 02:30 on 2026-03-29 does not exist: it is read with CET, i.e. 03:30 CEST", () => {
    expect(utc(BERLIN, "20260329T023000")).toBe("2026-03-29T01:30:00Z");
    expect(wallText(BERLIN, "2026-03-29T01:30:00Z")).toBe("20260329T033000");
    expect(utc(BERLIN, "20260329T015959")).toBe("2026-03-29T00:59:59Z");
    expect(utc(BERLIN, "20260329T030000")).toBe("2026-03-29T01:00:00Z");
  });

  test("Berlin 02:30 on 2026-10-25 happens twice: it means the first (CEST); the second instant still reads 02:30", () => {
    expect(utc(BERLIN, "20261025T023000")).toBe("2026-10-25T00:30:00Z");
    expect(utc(BERLIN, "20261025T030000")).toBe("2026-10-25T02:00:00Z");
    expect(wallText(BERLIN, "2026-10-25T00:30:00Z")).toBe("20261025T023000");
    expect(wallText(BERLIN, "2026-10-25T01:30:00Z")).toBe("20261025T023000");
  });

  test("Lord Howe's half-hour DST: 02:00–02:30 skipped in October, 01:30–02:00 repeated in April", () => {
    expect(zoneOffset(LORD_HOWE, w("20260115T120000"))).toBe(660);
    expect(zoneOffset(LORD_HOWE, w("20260701T120000"))).toBe(630);
    expect(utc(LORD_HOWE, "20261004T021500")).toBe("2026-10-03T15:45:00Z");
    expect(wallText(LORD_HOWE, "2026-10-03T15:45:00Z")).toBe("20261004T024500");
    expect(utc(LORD_HOWE, "20261004T023000")).toBe("2026-10-03T15:30:00Z");
    expect(utc(LORD_HOWE, "20260405T014500")).toBe("2026-04-04T14:45:00Z");
    expect(wallText(LORD_HOWE, "2026-04-04T15:15:00Z")).toBe("20260405T014500");
    expect(utc(LORD_HOWE, "20260405T020000")).toBe("2026-04-04T15:30:00Z");
  });

  test("the southern hemisphere: Sydney's summer time spans the new year", () => {
    expect(zoneOffset(SYDNEY, w("20260101T000000"))).toBe(660);
    expect(zoneOffset(SYDNEY, w("20260701T120000"))).toBe(600);
    expect(zoneOffset(SYDNEY, w("20261231T235959"))).toBe(660);
    expect(utc(SYDNEY, "20261004T023000")).toBe("2026-10-03T16:30:00Z");
    expect(utc(SYDNEY, "20260405T023000")).toBe("2026-04-04T15:30:00Z");
    expect(wallText(SYDNEY, "2026-04-04T16:30:00Z")).toBe("20260405T023000");
  });
});
