// Time zones and THISANDFUTURE changes through the real CLI against a real CalDAV server (radicale)
// on 127.0.0.1, seeded with the calendar objects of the reported defects as the clients wrote them:
// Apple's one-block Asia/Kolkata, a full-history Asia/Kathmandu (local mean time with seconds),
// Thunderbird's Europe/Berlin with a daily job at 02:30 over the spring-forward night, Lord Howe's
// half-hour DST, and Google's daily series changed "from this day on" (RANGE=THISANDFUTURE).
// Checked: the exact local times calendar_read shows and the exact DTSTART lines radicale stores
// after calendar_modify.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT, Sandbox } from "../helpers/cli.ts";
import { type Radicale, basic, startRadicale } from "../helpers/servers/radicale.ts";

const sb = new Sandbox();
const USER = "dana", PASSWORD = "cal-Zones-5512";
const AUTH = basic(USER, PASSWORD);
const CREDENTIAL = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
let dav: Radicale;
let cal: string;
let policy: string;

const KOL_ICS = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Apple Inc.//macOS 14.5//EN",
  "CALSCALE:GREGORIAN",
  "BEGIN:VTIMEZONE",
  "TZID:Asia/Kolkata",
  "BEGIN:STANDARD",
  "DTSTART:19451015T000000",
  "TZNAME:IST",
  "TZOFFSETFROM:+0630",
  "TZOFFSETTO:+0530",
  "END:STANDARD",
  "END:VTIMEZONE",
  "BEGIN:VEVENT",
  "UID:kol-1",
  "DTSTAMP:20261101T000000Z",
  "DTSTART;TZID=Asia/Kolkata:20261202T150000",
  "DTEND;TZID=Asia/Kolkata:20261202T160000",
  "SUMMARY:Bangalore standup",
  "END:VEVENT",
  "END:VCALENDAR",
].join("\r\n");
const KTM_ICS = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Apple Inc.//macOS 14.0//EN",
  "BEGIN:VTIMEZONE",
  "TZID:Asia/Kathmandu",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+054116",
  "TZOFFSETTO:+0530",
  "TZNAME:+0530",
  "DTSTART:19200101T000000",
  "RDATE:19200101T000000",
  "END:STANDARD",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0530",
  "TZOFFSETTO:+0545",
  "TZNAME:+0545",
  "DTSTART:19860101T000000",
  "RDATE:19860101T000000",
  "END:STANDARD",
  "END:VTIMEZONE",
  "BEGIN:VEVENT",
  "UID:ktm-1",
  "DTSTAMP:20261101T000000Z",
  "DTSTART;TZID=Asia/Kathmandu:20261203T090000",
  "DTEND;TZID=Asia/Kathmandu:20261203T100000",
  "SUMMARY:Kathmandu call",
  "END:VEVENT",
  "END:VCALENDAR",
].join("\r\n");
const GAP_ICS = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
  "BEGIN:VTIMEZONE",
  "TZID:Europe/Berlin",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+0100",
  "TZOFFSETTO:+0200",
  "TZNAME:CEST",
  "DTSTART:19700329T020000",
  "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0200",
  "TZOFFSETTO:+0100",
  "TZNAME:CET",
  "DTSTART:19701025T030000",
  "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
  "END:STANDARD",
  "END:VTIMEZONE",
  "BEGIN:VEVENT",
  "UID:gap",
  "DTSTAMP:20261101T000000Z",
  "DTSTART;TZID=Europe/Berlin:20260327T023000",
  "DTEND;TZID=Europe/Berlin:20260327T030000",
  "RRULE:FREQ=DAILY;COUNT=4",
  "SUMMARY:Backup job",
  "END:VEVENT",
  "END:VCALENDAR",
].join("\r\n");
const GOOGLE_ICS = [
  "BEGIN:VCALENDAR",
  "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
  "VERSION:2.0",
  "CALSCALE:GREGORIAN",
  "BEGIN:VTIMEZONE",
  "TZID:America/New_York",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:-0500",
  "RRULE:FREQ=YEARLY;UNTIL=20060402T070000Z;BYMONTH=4;BYDAY=1SU",
  "DTSTART:19870405T020000",
  "TZNAME:EDT",
  "TZOFFSETTO:-0400",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:-0400",
  "RRULE:FREQ=YEARLY;UNTIL=20061029T060000Z;BYMONTH=10;BYDAY=-1SU",
  "DTSTART:19671029T020000",
  "TZNAME:EST",
  "TZOFFSETTO:-0500",
  "END:STANDARD",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:-0500",
  "DTSTART:20070311T020000",
  "TZNAME:EDT",
  "TZOFFSETTO:-0400",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:-0400",
  "DTSTART:20071104T020000",
  "TZNAME:EST",
  "TZOFFSETTO:-0500",
  "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
  "END:STANDARD",
  "END:VTIMEZONE",
  "BEGIN:VEVENT",
  "DTSTART;TZID=America/New_York:20261026T090000",
  "DTEND;TZID=America/New_York:20261026T093000",
  "RRULE:FREQ=DAILY;UNTIL=20261106T135959Z",
  "EXDATE;TZID=America/New_York:20261028T090000",
  "DTSTAMP:20261101T000000Z",
  "UID:g-daily@google.com",
  "SUMMARY:Daily sync",
  "SEQUENCE:1",
  "END:VEVENT",
  "BEGIN:VEVENT",
  "DTSTART;TZID=America/New_York:20261030T150000",
  "DTEND;TZID=America/New_York:20261030T153000",
  "DTSTAMP:20261101T000000Z",
  "UID:g-daily@google.com",
  "RECURRENCE-ID;TZID=America/New_York:20261030T090000",
  "SUMMARY:Daily sync (moved)",
  "SEQUENCE:2",
  "END:VEVENT",
  "BEGIN:VEVENT",
  "DTSTART;TZID=America/New_York:20261103T090000",
  "DTEND;TZID=America/New_York:20261103T100000",
  "DTSTAMP:20261101T000000Z",
  "UID:g-daily@google.com",
  "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=America/New_York:20261103T090000",
  "SUMMARY:Daily sync v2",
  "SEQUENCE:2",
  "END:VEVENT",
  "END:VCALENDAR",
].join("\r\n");
const LHI_ICS = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
  "BEGIN:VTIMEZONE",
  "TZID:Australia/Lord_Howe",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+1100",
  "TZOFFSETTO:+1030",
  "TZNAME:+1030",
  "DTSTART:19700405T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU",
  "END:STANDARD",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+1030",
  "TZOFFSETTO:+1100",
  "TZNAME:+11",
  "DTSTART:19701004T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU",
  "END:DAYLIGHT",
  "END:VTIMEZONE",
  "BEGIN:VEVENT",
  "UID:lhi-1",
  "DTSTAMP:20261101T000000Z",
  "DTSTART;TZID=Australia/Lord_Howe:20260401T090000",
  "DTEND;TZID=Australia/Lord_Howe:20260401T093000",
  "RRULE:FREQ=DAILY;COUNT=10",
  "SUMMARY:Lord Howe daily",
  "END:VEVENT",
  "END:VCALENDAR",
].join("\r\n");

async function seed(name: string, body: string) {
  const res = await fetch(`${cal}${name}.ics`, { method: "PUT", headers: { authorization: AUTH, "content-type": "text/calendar" }, body: `${body}\r\n` });
  if (res.status !== 201) throw new Error(`seed ${name}: ${res.status} ${await res.text()}`);
}

/** What radicale stores, unfolded, one content line per entry. */
async function stored(name: string): Promise<string[]> {
  const res = await fetch(`${cal}${name}.ics`, { headers: { authorization: AUTH } });
  expect(res.status).toBe(200);
  return (await res.text()).replace(/\r\n[ \t]/g, "").split(/\r\n/).filter(Boolean);
}

beforeAll(async () => {
  dav = await startRadicale([{ user: USER, password: PASSWORD }]);
  cal = await dav.makeCalendar(USER, PASSWORD, "zones");
  for (const [name, body] of [["kol", KOL_ICS], ["ktm", KTM_ICS], ["gap", GAP_ICS], ["google", GOOGLE_ICS], ["lhi", LHI_ICS]] as const) await seed(name, body);
  policy = sb.file("policy.yaml", `version: 1
trust:
  allowedWithoutConfirmation: [calendar_read, calendar_modify]
skills:
  calendar_read: { allow: { net: ["127.0.0.1:${dav.port}"], env: [MOLTBOT_CALDAV_URL] } }
  calendar_modify: { allow: { net: ["127.0.0.1:${dav.port}"], env: [MOLTBOT_CALDAV_URL] } }
`);
  sb.config({ credentials: { caldav: { value: CREDENTIAL, host: "127.0.0.1" } } });
});

afterAll(async () => {
  await dav?.stop();
  sb.cleanup();
});

async function call(skill: string, params: Record<string, unknown>) {
  const r = await sb.run(["skill", "run", join(ROOT, "skills/builtin", skill), "--params", JSON.stringify(params), "--policy", policy, "--json"], { MOLTBOT_CALDAV_URL: cal });
  expect(r.stdout + r.stderr).not.toContain(CREDENTIAL);
  if (r.code !== 0) throw new Error(`${skill} ${JSON.stringify(params)}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout).output;
}

type Ev = { uid: string; summary: string; start: string; end: string };
/** calendar_read's summary and its events of one uid as "start–end summary". */
async function read(uid: string, params: Record<string, unknown>) {
  const out = await call("calendar_read", params) as { summary: string; events: Ev[] };
  return { summary: out.summary, events: out.events.filter((e) => e.uid === uid).map((e) => `${e.start}–${e.end} ${e.summary}`) };
}
/** The event's DTSTART and DTEND lines as stored (the VTIMEZONE's own DTSTARTs left out). */
const times = async (name: string) => (await stored(name)).filter((l) => /^DT(START|END)[;:]/.test(l) && !/^DTSTART:\d{8}T\d{6}$/.test(l));

describe("zones whose VTIMEZONE has no yearly rule", () => {
  test("Apple's Asia/Kolkata: the 15:00 standup is at 15:00+05:30", async () => {
    const r = await read("kol-1", { date: "2026-12-02", utc_offset: "+05:30" });
    expect(r.summary).toBe("1 event from 2026-12-02T00:00:00+05:30 to 2026-12-03T00:00:00+05:30:\n- 2026-12-02 15:00–16:00 Bangalore standup");
    expect(r.events).toEqual(["2026-12-02T15:00:00+05:30–2026-12-02T16:00:00+05:30 Bangalore standup"]);
  });

  test("full-history Asia/Kathmandu: the 09:00 call is at 09:00+05:45, to the second", async () => {
    const r = await read("ktm-1", { date: "2026-12-03", utc_offset: "+05:45" });
    expect(r.events).toEqual(["2026-12-03T09:00:00+05:45–2026-12-03T10:00:00+05:45 Kathmandu call"]);
  });

  test("calendar_modify writes Kathmandu's 10:00+05:45 as 10:00 in the zone, and calendar_read shows it back", async () => {
    await call("calendar_modify", { action: "update", uid: "ktm-1", start: "2026-12-03T10:00:00+05:45" });
    expect(await times("ktm")).toEqual(["DTSTART;TZID=Asia/Kathmandu:20261203T100000", "DTEND;TZID=Asia/Kathmandu:20261203T110000"]);
    const r = await read("ktm-1", { date: "2026-12-03", utc_offset: "+05:45" });
    expect(r.events).toEqual(["2026-12-03T10:00:00+05:45–2026-12-03T11:00:00+05:45 Kathmandu call"]);
  });

  test("calendar_modify writes Kolkata's 16:30+05:30 as 16:30 in the zone", async () => {
    await call("calendar_modify", { action: "update", uid: "kol-1", start: "2026-12-02T16:30:00+05:30" });
    expect(await times("kol")).toEqual(["DTSTART;TZID=Asia/Kolkata:20261202T163000", "DTEND;TZID=Asia/Kolkata:20261202T173000"]);
    const r = await read("kol-1", { date: "2026-12-02", utc_offset: "+00:00" });
    expect(r.events).toEqual(["2026-12-02T11:00:00+00:00–2026-12-02T12:00:00+00:00 Bangalore standup"]);
  });
});

describe("clock changes", () => {
  test("Berlin's 02:30 backup on the spring-forward night runs at 03:30 CEST (01:30 UTC), not an hour early", async () => {
    const r = await read("gap", { from: "2026-03-27T00:00:00Z", to: "2026-03-31T00:00:00Z", utc_offset: "+00:00" });
    expect(r.events.map((e) => e.slice(0, 25))).toEqual([
      "2026-03-27T01:30:00+00:00", "2026-03-28T01:30:00+00:00", "2026-03-29T01:30:00+00:00", "2026-03-30T00:30:00+00:00",
    ]);
    const night = await read("gap", { date: "2026-03-29", utc_offset: "+02:00" });
    expect(night.summary).toContain("- 2026-03-29 03:30–04:00 Backup job");
  });

  test("calendar_modify moving the backup to 02:45 writes 02:45 in Berlin; the gap night still shows 03:45 CEST", async () => {
    await call("calendar_modify", { action: "update", uid: "gap", start: "2026-03-27T02:45:00+01:00" });
    expect(await times("gap")).toEqual(["DTSTART;TZID=Europe/Berlin:20260327T024500", "DTEND;TZID=Europe/Berlin:20260327T031500"]);
    const r = await read("gap", { date: "2026-03-29", utc_offset: "+02:00" });
    expect(r.events).toEqual(["2026-03-29T03:45:00+02:00–2026-03-29T04:15:00+02:00 Backup job"]);
  });

  test("Lord Howe's half-hour DST ends on 5 April: the 09:00 daily stays at 09:00 local", async () => {
    const r = await read("lhi-1", { from: "2026-04-03T00:00:00+11:00", to: "2026-04-07T00:00:00+10:30", utc_offset: "+00:00" });
    expect(r.events.map((e) => e.slice(0, 25))).toEqual([
      "2026-04-02T22:00:00+00:00", "2026-04-03T22:00:00+00:00", "2026-04-04T22:30:00+00:00", "2026-04-05T22:30:00+00:00",
    ]);
  });
});

describe("RECURRENCE-ID;RANGE=THISANDFUTURE", () => {
  test("Google's 'Daily sync v2' from Nov 3 applies to Nov 3, 4 and 5; the moved and excluded days stay as they are", async () => {
    const r = await read("g-daily@google.com", { from: "2026-10-27", to: "2026-11-07", utc_offset: "-05:00" });
    expect(r.summary.split("\n").slice(1)).toEqual([
      "- 2026-10-27 08:00–08:30 Daily sync",
      "- 2026-10-29 08:00–08:30 Daily sync",
      "- 2026-10-30 14:00–14:30 Daily sync (moved)",
      "- 2026-10-31 08:00–08:30 Daily sync",
      "- 2026-11-01 09:00–09:30 Daily sync",
      "- 2026-11-02 09:00–09:30 Daily sync",
      "- 2026-11-03 09:00–10:00 Daily sync v2",
      "- 2026-11-04 09:00–10:00 Daily sync v2",
      "- 2026-11-05 09:00–10:00 Daily sync v2",
    ]);
  });
});
