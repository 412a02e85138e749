// calendar_modify's defects, each reproduced through the real CLI against a real CalDAV server
// (radicale) on 127.0.0.1: what radicale stores (GET of the .ics) and what calendar_read shows
// afterwards. Dates are fixed in March 2026, across the US (Mar 8) and EU (Mar 29) DST changes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT, Sandbox } from "../helpers/cli.ts";
import { type Radicale, basic, startRadicale } from "../helpers/servers/radicale.ts";

const sb = new Sandbox();
const skill = (name: string) => join(ROOT, "skills/builtin", name);
const AUTH = basic("alice", "cal-Secret-7731");
let dav: Radicale;
let cal: string;
let policy: string;

const NY = "BEGIN:VTIMEZONE\nTZID:America/New_York\nBEGIN:DAYLIGHT\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nTZNAME:EDT\nDTSTART:20070311T020000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\nEND:DAYLIGHT\nBEGIN:STANDARD\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nTZNAME:EST\nDTSTART:20071104T020000\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\nEND:STANDARD\nEND:VTIMEZONE\n";
// As Outlook / Exchange writes it: a Windows zone name, observances from 1601.
const WEST_EUROPE = "BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
const ics = (body: string, tz = "") => `BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n${tz}${body}END:VCALENDAR\n`.replace(/\n/g, "\r\n");
const vevent = (uid: string, lines: string) => `BEGIN:VEVENT\nUID:${uid}\nDTSTAMP:20260101T000000Z\n${lines}END:VEVENT\n`;

async function seed(name: string, body: string) {
  const res = await fetch(`${cal}${name}.ics`, { method: "PUT", headers: { authorization: AUTH, "content-type": "text/calendar" }, body });
  if (res.status !== 201) throw new Error(`seed ${name}: ${res.status} ${await res.text()}`);
}

/** What radicale stores, unfolded, one content line per entry; null when the object is gone. */
async function stored(name: string): Promise<string[] | null> {
  const res = await fetch(`${cal}${name}.ics`, { headers: { authorization: AUTH } });
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return (await res.text()).replace(/\r\n[ \t]/g, "").split(/\r\n/).filter(Boolean);
}

beforeAll(async () => {
  dav = await startRadicale([{ user: "alice", password: "cal-Secret-7731" }]);
  cal = await dav.makeCalendar("alice", "cal-Secret-7731", "work");
  policy = sb.file("policy.yaml", `version: 1
trust:
  allowedWithoutConfirmation: [calendar_read, calendar_modify]
skills:
  calendar_read: { allow: { net: ["127.0.0.1:${dav.port}"], env: [MOLTBOT_CALDAV_URL] } }
  calendar_modify: { allow: { net: ["127.0.0.1:${dav.port}"], env: [MOLTBOT_CALDAV_URL] } }
`);
  sb.config({ credentials: { caldav: { value: Buffer.from("alice:cal-Secret-7731").toString("base64"), host: "127.0.0.1" } } });
});

afterAll(async () => {
  await dav?.stop();
  sb.cleanup();
});

async function call(name: string, params: unknown) {
  const r = await sb.run(["skill", "run", skill(name), "--params", JSON.stringify(params), "--policy", policy, "--json"], { MOLTBOT_CALDAV_URL: cal });
  return { ...r, json: JSON.parse(r.stdout || "null") };
}

const modify = async (params: Record<string, unknown>) => {
  const r = await call("calendar_modify", params);
  if (r.code !== 0) throw new Error(`calendar_modify ${JSON.stringify(params)}: ${r.stdout}${r.stderr}`);
  return r;
};
const fails = async (name: string, params: Record<string, unknown>) => {
  const r = await call(name, params);
  expect(r.code).toBe(1);
  return String(r.json.error.message);
};

type Ev = { uid: string; summary: string; start: string; end: string; allDay: boolean; status?: string };
/** calendar_read's events of one uid as "start–end summary", cancelled ones left out. */
async function shown(uid: string, params: Record<string, unknown>): Promise<string[]> {
  const r = await call("calendar_read", params);
  if (r.code !== 0) throw new Error(`calendar_read: ${r.stdout}${r.stderr}`);
  return (r.json.output.events as Ev[]).filter((e) => e.uid === uid && e.status !== "CANCELLED").map((e) => `${e.start}–${e.end} ${e.summary}`);
}

describe("an update or delete touches only the event with exactly that uid", () => {
  beforeAll(async () => {
    await seed("kids", ics(vevent("kids-weekend@google.com", "DTSTART;VALUE=DATE:20260314\nDTEND;VALUE=DATE:20260316\nSUMMARY:Kids weekend\n")));
    await seed("fri13", ics(vevent("fri13", "DTSTART:20260313T170000Z\nDTEND:20260313T180000Z\nSUMMARY:Friday drinks\n")));
  });

  test.each([["google"], ["fri"], ["FRI13"], ["kids-weekend@google.co"], ["ids-weekend@google.com"]])("uid %j matches nothing", async (uid) => {
    expect(await fails("calendar_modify", { action: "delete", uid })).toBe(`there is no event with uid "${uid}" in this calendar`);
    expect(await fails("calendar_modify", { action: "update", uid, summary: "Hijacked" })).toBe(`there is no event with uid "${uid}" in this calendar`);
    expect(await stored("kids")).toContain("SUMMARY:Kids weekend");
    expect(await stored("fri13")).toContain("SUMMARY:Friday drinks");
  });

  test("the exact uid is updated and deleted; its neighbour stays", async () => {
    await seed("fri", ics(vevent("fri", "DTSTART:20260306T170000Z\nDTEND:20260306T180000Z\nSUMMARY:Fri\n")));
    await modify({ action: "update", uid: "fri", summary: "Friday review" });
    expect(await stored("fri")).toContain("SUMMARY:Friday review");
    expect(await stored("fri13")).toContain("SUMMARY:Friday drinks");
    await modify({ action: "delete", uid: "fri" });
    expect(await stored("fri")).toBeNull();
    expect(await stored("fri13")).toContain("SUMMARY:Friday drinks");
  });
});

describe("changing an event's time keeps what it was", () => {
  test("a New York weekday series moved to 9:00 keeps its zone; excluded days, a moved and a cancelled occurrence follow", async () => {
    await seed("standup", ics(vevent("standup@ny", "DTSTART;TZID=America/New_York:20260302T083000\nDTEND;TZID=America/New_York:20260302T091500\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260320T235959Z\nEXDATE;TZID=America/New_York:20260305T083000,20260306T083000\nSUMMARY:Standup\n")
      + vevent("standup@ny", "RECURRENCE-ID;TZID=America/New_York:20260310T083000\nDTSTART;TZID=America/New_York:20260310T110000\nDTEND;TZID=America/New_York:20260310T114500\nSUMMARY:Standup (late)\n")
      + vevent("standup@ny", "RECURRENCE-ID;TZID=America/New_York:20260311T083000\nDTSTART;TZID=America/New_York:20260311T083000\nDTEND;TZID=America/New_York:20260311T091500\nSTATUS:CANCELLED\nSUMMARY:Standup\n"), NY));
    const r = await modify({ action: "update", uid: "standup@ny", start: "2026-03-02T09:00:00-05:00" });
    expect(r.json.output.summary).toBe("Updated the event standup@ny (dtstart, dtend); 2 excluded dates and 2 changed occurrences moved with the series");

    const lines = (await stored("standup"))!;
    expect(lines).toContain("DTSTART;TZID=America/New_York:20260302T090000");
    expect(lines).toContain("DTEND;TZID=America/New_York:20260302T094500");
    expect(lines).toContain("EXDATE;TZID=America/New_York:20260305T090000,20260306T090000");
    expect(lines).toContain("RECURRENCE-ID;TZID=America/New_York:20260310T090000");
    expect(lines).toContain("DTSTART;TZID=America/New_York:20260310T110000");
    expect(lines).toContain("RECURRENCE-ID;TZID=America/New_York:20260311T090000");
    expect(lines.filter((l) => l.startsWith("DTSTART")).every((l) => !l.endsWith("Z"))).toBe(true);

    expect(await shown("standup@ny", { date: "2026-03-02", days: 6, utc_offset: "-05:00" })).toEqual([
      "2026-03-02T09:00:00-05:00–2026-03-02T09:45:00-05:00 Standup",
      "2026-03-03T09:00:00-05:00–2026-03-03T09:45:00-05:00 Standup",
      "2026-03-04T09:00:00-05:00–2026-03-04T09:45:00-05:00 Standup",
    ]);
    expect(await shown("standup@ny", { date: "2026-03-09", days: 6, utc_offset: "-04:00" })).toEqual([
      "2026-03-09T09:00:00-04:00–2026-03-09T09:45:00-04:00 Standup",
      "2026-03-10T11:00:00-04:00–2026-03-10T11:45:00-04:00 Standup (late)",
      "2026-03-12T09:00:00-04:00–2026-03-12T09:45:00-04:00 Standup",
      "2026-03-13T09:00:00-04:00–2026-03-13T09:45:00-04:00 Standup",
    ]);
  });

  test("moving that series to another weekday is refused with a reason, and nothing is written", async () => {
    const before = await stored("standup");
    const message = await fails("calendar_modify", { action: "update", uid: "standup@ny", start: "2026-03-03T09:00:00-05:00" });
    expect(message).toStartWith("start: moving this repeating series to another day would not move its rule (FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
    expect(await stored("standup")).toEqual(before);
  });

  test("an Outlook weekly meeting moved to 10:00+01:00 is still at 10:00 after the EU DST change", async () => {
    await seed("outlook", ics(vevent("040000008200E00074C5B7101A82E008@outlook", "DTSTART;TZID=W. Europe Standard Time:20260302T090000\nDTEND;TZID=W. Europe Standard Time:20260302T100000\nRRULE:FREQ=WEEKLY;COUNT=8;BYDAY=MO\nSUMMARY:Jour fixe\n"), WEST_EUROPE));
    await modify({ action: "update", uid: "040000008200E00074C5B7101A82E008@outlook", start: "2026-03-02T10:00:00+01:00" });
    const lines = (await stored("outlook"))!;
    expect(lines).toContain("DTSTART;TZID=W. Europe Standard Time:20260302T100000");
    expect(lines).toContain("DTEND;TZID=W. Europe Standard Time:20260302T110000");
    expect(await shown("040000008200E00074C5B7101A82E008@outlook", { date: "2026-03-23", utc_offset: "+01:00" })).toEqual(["2026-03-23T10:00:00+01:00–2026-03-23T11:00:00+01:00 Jour fixe"]);
    expect(await shown("040000008200E00074C5B7101A82E008@outlook", { date: "2026-03-30", utc_offset: "+02:00" })).toEqual(["2026-03-30T10:00:00+02:00–2026-03-30T11:00:00+02:00 Jour fixe"]);
  });

  test("only the start of a 45-minute event: it keeps 45 minutes; then only its end", async () => {
    await seed("dentist", ics(vevent("dentist", "DTSTART:20260304T130000Z\nDTEND:20260304T134500Z\nSUMMARY:Dentist\n")));
    await modify({ action: "update", uid: "dentist", start: "2026-03-04T15:00:00+01:00" });
    expect(await stored("dentist")).toEqual(expect.arrayContaining(["DTSTART:20260304T140000Z", "DTEND:20260304T144500Z"]));
    expect(await shown("dentist", { date: "2026-03-04", utc_offset: "+01:00" })).toEqual(["2026-03-04T15:00:00+01:00–2026-03-04T15:45:00+01:00 Dentist"]);

    const r = await modify({ action: "update", uid: "dentist", end: "2026-03-04T16:00:00+01:00" });
    expect(r.json.output.summary).toBe("Updated the event dentist (dtend)");
    expect(await stored("dentist")).toEqual(expect.arrayContaining(["DTSTART:20260304T140000Z", "DTEND:20260304T150000Z"]));
    expect(await shown("dentist", { date: "2026-03-04", utc_offset: "+01:00" })).toEqual(["2026-03-04T15:00:00+01:00–2026-03-04T16:00:00+01:00 Dentist"]);
    expect(await fails("calendar_modify", { action: "update", uid: "dentist", end: "2026-03-04T14:30:00+01:00" })).toBe("end must be after start");
  });

  test("a two-day all-day event moved with a date stays all-day and two days long", async () => {
    await seed("trip", ics(vevent("trip", "DTSTART;VALUE=DATE:20260316\nDTEND;VALUE=DATE:20260318\nSUMMARY:Trip\n")));
    await modify({ action: "update", uid: "trip", start: "2026-03-20" });
    expect(await stored("trip")).toEqual(expect.arrayContaining(["DTSTART;VALUE=DATE:20260320", "DTEND;VALUE=DATE:20260322"]));
    const r = await call("calendar_read", { date: "2026-03-16", days: 7, utc_offset: "+01:00" });
    expect((r.json.output.events as Ev[]).filter((e) => e.uid === "trip")).toEqual([expect.objectContaining({ allDay: true, start: "2026-03-20", end: "2026-03-21" })]);
  });
});

describe("dates that do not exist are refused, not rolled over", () => {
  test.each([
    [{ start: "2026-02-30T10:00:00+01:00" }, "start: 2026-02-30 is not a date"],
    [{ start: "2026-13-45", all_day: true }, "start: 2026-13-45 is not a date"],
    [{ start: "2026-03-02T10:00:00+01:00", end: "2026-03-32T11:00:00+01:00" }, "end: 2026-03-32 is not a date"],
    [{ start: "2026-03-02T25:00:00+01:00" }, "start: 25:00:00 is not a time of day"],
  ])("create %j", async (times, message) => {
    expect(await fails("calendar_modify", { action: "create", summary: "Impossible", ...times })).toBe(message);
    const r = await call("calendar_read", { from: "2026-02-01", to: "2027-03-01", utc_offset: "+01:00" });
    expect((r.json.output.events as Ev[]).map((e) => e.summary)).not.toContain("Impossible");
  });

  test("calendar_read of February 30 says so instead of showing March 2", async () => {
    expect(await fails("calendar_read", { date: "2026-02-30", utc_offset: "+01:00" })).toBe("date: 2026-02-30 is not a date");
    expect(await fails("calendar_read", { from: "2026-02-28", to: "2026-02-31" })).toBe("to: 2026-02-31 is not a date");
  });

  test("an update to an impossible date leaves the event alone", async () => {
    await seed("gym", ics(vevent("gym", "DTSTART:20260305T170000Z\nDTEND:20260305T180000Z\nSUMMARY:Gym\n")));
    const before = await stored("gym");
    expect(await fails("calendar_modify", { action: "update", uid: "gym", start: "2026-02-29T18:00:00+01:00" })).toBe("start: 2026-02-29 is not a date");
    expect(await stored("gym")).toEqual(before);
  });
});

describe("text cannot inject iCalendar properties", () => {
  test.each([["\r"], ["\n"], ["\r\n"]])("a line break %j in a summary stays inside the SUMMARY", async (br) => {
    const r = await modify({ action: "create", summary: `Lunch${br}ORGANIZER:mailto:boss@example.com`, start: "2026-03-18T12:00:00+01:00", description: `a${br}ATTENDEE:mailto:x@example.com${br}b` });
    const uid = r.json.output.uid as string;
    const lines = (await stored(uid))!;
    expect(lines.filter((l) => /^(ORGANIZER|ATTENDEE)/.test(l))).toEqual([]);
    expect(lines).toContain("SUMMARY:Lunch\\nORGANIZER:mailto:boss@example.com");
    const read = await call("calendar_read", { date: "2026-03-18", utc_offset: "+01:00" });
    expect((read.json.output.events as Ev[]).find((e) => e.uid === uid)).toMatchObject({ summary: "Lunch\nORGANIZER:mailto:boss@example.com", description: "a\nATTENDEE:mailto:x@example.com\nb" });
    await modify({ action: "update", uid, location: `Café${br}STATUS:CANCELLED` });
    const after = (await stored(uid))!;
    expect(after.filter((l) => l.startsWith("STATUS"))).toEqual([]);
    expect(after).toContain("LOCATION:Café\\nSTATUS:CANCELLED");
    await modify({ action: "delete", uid });
  });

  test("other control characters are refused, naming the parameter", async () => {
    expect(await fails("calendar_modify", { action: "create", summary: "Bell\u0007", start: "2026-03-18T12:00:00+01:00" })).toBe("summary: contains the control character U+0007; remove it");
  });
});
