// calendar_read through the real CLI against a real CalDAV server (radicale) on 127.0.0.1, with
// the recurring events real clients write: Thunderbird's "every weekday" with an EXDATE, a moved
// and a cancelled instance; Outlook's weekly meeting in "W. Europe Standard Time" ending with a
// UTC UNTIL after the change to summer time; Friday the 13th; the last weekday of the month
// (BYSETPOS=-1); a floating event late in the evening; all-day and multi-day events.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT, Sandbox } from "../helpers/cli.ts";
import { type Radicale, basic, startRadicale } from "../helpers/servers/radicale.ts";

const sb = new Sandbox();
const USER = "carol", PASSWORD = "cal-Recur-8830";
const CREDENTIAL = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
let dav: Radicale;
const cal: Record<"work" | "misc" | "odd", string> = { work: "", misc: "", odd: "" };
let policy: string;
let audit: string;

const BERLIN = "BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:DAYLIGHT\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST\nDTSTART:19700329T020000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:DAYLIGHT\nBEGIN:STANDARD\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET\nDTSTART:19701025T030000\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nEND:STANDARD\nEND:VTIMEZONE\n";
const OUTLOOK = "BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
const ics = (tz: string, ...events: string[]) => `BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n${tz}${events.join("")}END:VCALENDAR\n`.replace(/\n/g, "\r\n");
const vevent = (uid: string, lines: string) => `BEGIN:VEVENT\nUID:${uid}\nDTSTAMP:20260101T000000Z\n${lines}END:VEVENT\n`;
const W = "TZID=W. Europe Standard Time";

async function seed(collection: string, uid: string, body: string) {
  const res = await fetch(`${collection}${uid}.ics`, { method: "PUT", headers: { authorization: basic(USER, PASSWORD), "content-type": "text/calendar" }, body });
  if (res.status !== 201) throw new Error(`seed ${uid}: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  dav = await startRadicale([{ user: USER, password: PASSWORD }]);
  for (const name of ["work", "misc", "odd"] as const) cal[name] = await dav.makeCalendar(USER, PASSWORD, name);
  await seed(cal.work, "standup", ics(BERLIN,
    vevent("standup", "DTSTART;TZID=Europe/Berlin:20260302T083000\nDTEND;TZID=Europe/Berlin:20260302T084500\nRRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR\nEXDATE;TZID=Europe/Berlin:20260304T083000\nSUMMARY:Daily standup\n"),
    vevent("standup", "RECURRENCE-ID;TZID=Europe/Berlin:20260305T083000\nDTSTART;TZID=Europe/Berlin:20260305T100000\nDTEND;TZID=Europe/Berlin:20260305T101500\nSUMMARY:Daily standup (moved)\n"),
    vevent("standup", "RECURRENCE-ID;TZID=Europe/Berlin:20260306T083000\nDTSTART;TZID=Europe/Berlin:20260306T083000\nDTEND;TZID=Europe/Berlin:20260306T084500\nSTATUS:CANCELLED\nSUMMARY:Daily standup\n")));
  await seed(cal.work, "jourfixe", ics(OUTLOOK, vevent("jourfixe", `DTSTART;${W}:20260302T090000\nDTEND;${W}:20260302T093000\nRRULE:FREQ=WEEKLY;UNTIL=20260427T070000Z;INTERVAL=1;BYDAY=MO;WKST=MO\nSUMMARY:Jour fixe\n`)));
  await seed(cal.work, "offsite", ics(OUTLOOK, vevent("offsite", `DTSTART;${W}:20260304T140000\nDTEND;${W}:20260304T150000\nSTATUS:CANCELLED\nSUMMARY:Offsite planning\n`)));
  await seed(cal.work, "kubecon", ics(OUTLOOK, vevent("kubecon", `DTSTART;${W}:20260415T080000\nDTEND;${W}:20260417T160000\nSUMMARY:KubeCon\nLOCATION:Amsterdam\n`)));
  await seed(cal.misc, "fri13", ics("", vevent("fri13", "DTSTART:20260213T170000Z\nDTEND:20260213T180000Z\nRRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13\nSUMMARY:Horror movie night\n")));
  await seed(cal.misc, "monthend", ics(OUTLOOK, vevent("monthend", `DTSTART;${W}:20260130T160000\nDTEND;${W}:20260130T170000\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1\nSUMMARY:Month-end report\n`)));
  await seed(cal.misc, "latecall", ics("", vevent("latecall", "DTSTART:20260310T223000\nDTEND:20260310T233000\nSUMMARY:Late call\n")));
  await seed(cal.misc, "holiday", ics("", vevent("holiday", "DTSTART;VALUE=DATE:20260311\nDTEND;VALUE=DATE:20260313\nSUMMARY:Spring holiday\n")));
  await seed(cal.odd, "ping", ics("", vevent("ping", "DTSTART:20260302T090000Z\nDURATION:PT5M\nRRULE:FREQ=HOURLY;INTERVAL=12\nSUMMARY:Ping\n")));
  audit = join(sb.dir, "audit.jsonl");
  policy = sb.file("policy.yaml", `version: 1
trust:
  allowedWithoutConfirmation: [calendar_read]
skills:
  calendar_read: { allow: { net: ["127.0.0.1:${dav.port}"], env: [MOLTBOT_CALDAV_URL] } }
`);
  sb.config({ credentials: { caldav: { value: CREDENTIAL, host: "127.0.0.1" } } });
});

afterAll(async () => {
  await dav?.stop();
  sb.cleanup();
});

type Ev = { uid: string; summary: string; start: string; end: string; allDay: boolean; status?: string; note?: string; recurring: boolean };

async function read(calendar: keyof typeof cal, params: Record<string, unknown>) {
  const r = await sb.run(["skill", "run", join(ROOT, "skills/builtin/calendar_read"), "--params", JSON.stringify(params), "--policy", policy, "--audit", audit, "--json"], { MOLTBOT_CALDAV_URL: cal[calendar] });
  expect(r.stdout + r.stderr).not.toContain(CREDENTIAL);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout).output as { summary: string; events: Ev[] };
  return { summary: out.summary, events: out.events, of: (uid: string) => out.events.filter((e) => e.uid === uid).map((e) => e.start) };
}

describe("recurring events as clients write them (calendar_read)", () => {
  test("a week of Thunderbird's weekday standup: no weekend, the EXDATE gone, the moved and the cancelled instance marked", async () => {
    const r = await read("work", { date: "2026-03-02", days: 7, utc_offset: "+01:00" });
    expect(r.summary).toBe([
      "6 events from 2026-03-02T00:00:00+01:00 to 2026-03-09T00:00:00+01:00:",
      "- 2026-03-02 08:30–08:45 Daily standup",
      "- 2026-03-02 09:00–09:30 Jour fixe",
      "- 2026-03-03 08:30–08:45 Daily standup",
      "- 2026-03-04 14:00–15:00 (cancelled) Offsite planning",
      "- 2026-03-05 10:00–10:15 Daily standup (moved)",
      "- 2026-03-06 08:30–08:45 (cancelled) Daily standup",
    ].join("\n"));
    expect(r.events.map((e) => [e.uid, e.start, e.status ?? null, e.recurring])).toEqual([
      ["standup", "2026-03-02T08:30:00+01:00", null, true],
      ["jourfixe", "2026-03-02T09:00:00+01:00", null, true],
      ["standup", "2026-03-03T08:30:00+01:00", null, true],
      ["offsite", "2026-03-04T14:00:00+01:00", "CANCELLED", false],
      ["standup", "2026-03-05T10:00:00+01:00", null, true],
      ["standup", "2026-03-06T08:30:00+01:00", "CANCELLED", true],
    ]);
  });

  test("Outlook's weekly meeting keeps 09:00 local across the DST change and its last Monday before the UTC UNTIL", async () => {
    const r = await read("work", { from: "2026-03-01", to: "2026-05-11", utc_offset: "+02:00" });
    expect(r.of("jourfixe")).toEqual([
      "2026-03-02T10:00:00+02:00", "2026-03-09T10:00:00+02:00", "2026-03-16T10:00:00+02:00", "2026-03-23T10:00:00+02:00",
      "2026-03-30T09:00:00+02:00", "2026-04-06T09:00:00+02:00", "2026-04-13T09:00:00+02:00", "2026-04-20T09:00:00+02:00", "2026-04-27T09:00:00+02:00",
    ]);
    expect(r.of("standup").filter((s) => s.startsWith("2026-03-2") || s.startsWith("2026-03-30"))).toEqual([
      "2026-03-20T09:30:00+02:00", "2026-03-23T09:30:00+02:00", "2026-03-24T09:30:00+02:00", "2026-03-25T09:30:00+02:00",
      "2026-03-26T09:30:00+02:00", "2026-03-27T09:30:00+02:00", "2026-03-30T08:30:00+02:00",
    ]);
    const last = await read("work", { date: "2026-04-27", utc_offset: "+02:00" });
    expect(last.summary).toContain("- 2026-04-27 09:00–09:30 Jour fixe");
  });

  test("an event over several days shows its end date", async () => {
    const r = await read("work", { date: "2026-04-15", days: 3, utc_offset: "+02:00" });
    expect(r.summary).toContain("\n- 2026-04-15 08:00–2026-04-17 16:00 KubeCon @ Amsterdam\n");
    expect(r.events.find((e) => e.uid === "kubecon")).toMatchObject({ start: "2026-04-15T08:00:00+02:00", end: "2026-04-17T16:00:00+02:00" });
  });

  test("Friday the 13th is only ever a Friday the 13th", async () => {
    const r = await read("misc", { from: "2026-02-01", to: "2027-12-31", utc_offset: "+00:00" });
    expect(r.of("fri13")).toEqual(["2026-02-13T17:00:00+00:00", "2026-03-13T17:00:00+00:00", "2026-11-13T17:00:00+00:00", "2027-08-13T17:00:00+00:00"]);
  });

  test("the last weekday of the month (BYSETPOS=-1) is found in a range after its first occurrence", async () => {
    const day = await read("misc", { date: "2026-04-30", utc_offset: "+02:00" });
    expect(day.summary).toBe("1 event from 2026-04-30T00:00:00+02:00 to 2026-05-01T00:00:00+02:00:\n- 2026-04-30 16:00–17:00 Month-end report");
    const months = await read("misc", { from: "2026-04-01", to: "2026-09-01", utc_offset: "+02:00" });
    expect(months.of("monthend")).toEqual(["2026-04-30T16:00:00+02:00", "2026-05-29T16:00:00+02:00", "2026-06-30T16:00:00+02:00", "2026-07-31T16:00:00+02:00", "2026-08-31T16:00:00+02:00"]);
  });

  test("a floating event late in the evening is on the user's day, whatever their offset", async () => {
    for (const offset of ["+02:00", "+14:00", "-05:00"]) {
      const r = await read("misc", { date: "2026-03-10", utc_offset: offset });
      expect(r.events.map((e) => [e.summary, e.start, e.end])).toEqual([["Late call", `2026-03-10T22:30:00${offset}`, `2026-03-10T23:30:00${offset}`]]);
    }
  });

  test("an all-day event over two days is on exactly those days at any offset", async () => {
    for (const offset of ["+14:00", "-10:00"]) {
      const days = await read("misc", { date: "2026-03-10", days: 4, utc_offset: offset });
      expect(days.events.filter((e) => e.allDay).map((e) => [e.summary, e.start, e.end])).toEqual([["Spring holiday", "2026-03-11", "2026-03-12"]]);
      expect(days.summary).toContain("\n- 2026-03-11–2026-03-12 (all day) Spring holiday");
      for (const date of ["2026-03-10", "2026-03-13"]) expect((await read("misc", { date, utc_offset: offset })).of("holiday")).toEqual([]);
    }
  });

  test("a rule the skill cannot expand still shows the event, with a note", async () => {
    const r = await read("odd", { date: "2026-03-10", utc_offset: "+00:00" });
    expect(r.events).toEqual([expect.objectContaining({
      uid: "ping", start: "2026-03-02T09:00:00+00:00", note: "the recurrence could not be fully expanded (FREQ=HOURLY in its rule); only its first occurrence is shown",
    })]);
    expect(r.summary).toContain("- 2026-03-02 09:00–09:05 (recurrence not fully expanded) Ping");
  });
});
