// calendar_read / calendar_modify through the real CLI against a real CalDAV server (radicale)
// on 127.0.0.1. The skills speak CalDAV with the sandbox's plain fetch; the Basic credential is
// added by the host (config.yaml `credentials:`, host overridden to the test server).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT, Sandbox } from "../helpers/cli.ts";
import { type Radicale, basic, startRadicale } from "../helpers/servers/radicale.ts";

const sb = new Sandbox();
const skill = (name: string) => join(ROOT, "skills/builtin", name);
const DAY = 86_400_000;
const CREDENTIAL = Buffer.from("alice:cal-Secret-5521").toString("base64");
let dav: Radicale;
let cal: string;
let policy: string;
let audit: string;
let creds: string;
/** Tomorrow in UTC+01:00 (the zone the test's user lives in), as YYYY-MM-DD. */
const tomorrow = new Date(Date.now() + 3600_000 + DAY).toISOString().slice(0, 10);
const compact = (d: string) => d.replace(/-/g, "");
const dayAfter = (d: string, n: number) => new Date(Date.parse(d) + n * DAY).toISOString().slice(0, 10);

const BERLIN = `BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:DAYLIGHT\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST\nDTSTART:19700329T020000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:DAYLIGHT\nBEGIN:STANDARD\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET\nDTSTART:19701025T030000\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nEND:STANDARD\nEND:VTIMEZONE\n`;
const ics = (body: string, tz = "") => `BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n${tz}${body}END:VCALENDAR\n`.replace(/\n/g, "\r\n");
const vevent = (uid: string, lines: string) => `BEGIN:VEVENT\nUID:${uid}\nDTSTAMP:20260101T000000Z\n${lines}END:VEVENT\n`;

async function seed(uid: string, body: string) {
  const res = await fetch(`${cal}${uid}.ics`, { method: "PUT", headers: { authorization: basic("alice", "cal-Secret-5521"), "content-type": "text/calendar" }, body });
  if (res.status !== 201) throw new Error(`seed ${uid}: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  dav = await startRadicale([{ user: "alice", password: "cal-Secret-5521" }]);
  cal = await dav.makeCalendar("alice", "cal-Secret-5521", "personal");
  const t = compact(tomorrow);
  const threeWeeksAgo = compact(dayAfter(tomorrow, -21));
  const lastWeek = compact(dayAfter(tomorrow, -7));
  await seed("standup", ics(vevent("standup", `DTSTART;TZID=Europe/Berlin:${t}T090000\nDTEND;TZID=Europe/Berlin:${t}T091500\nSUMMARY:Standup\nLOCATION:Room 1\\, 2nd floor\nDESCRIPTION:Bring notes\\nand coffee; a long line that is folded over several physical lines because i\n t is longer than seventy-five octets\n`), BERLIN));
  await seed("holiday", ics(vevent("holiday", `DTSTART;VALUE=DATE:${t}\nDTEND;VALUE=DATE:${compact(dayAfter(tomorrow, 1))}\nSUMMARY:Team offsite\n`)));
  await seed("weekly", ics(vevent("weekly", `DTSTART:${threeWeeksAgo}T140000Z\nDTEND:${threeWeeksAgo}T150000Z\nRRULE:FREQ=WEEKLY;COUNT=10\nEXDATE:${lastWeek}T140000Z\nSUMMARY:Weekly review\n`)));
  await seed("later", ics(vevent("later", `DTSTART:${compact(dayAfter(tomorrow, 2))}T100000Z\nDTEND:${compact(dayAfter(tomorrow, 2))}T110000Z\nSUMMARY:Dentist\n`)));
  await seed("summer", ics(vevent("summer", "DTSTART;TZID=Europe/Berlin:20260701T100000\nDTEND;TZID=Europe/Berlin:20260701T110000\nSUMMARY:Summer party\n"), BERLIN));
  audit = join(sb.dir, "audit.jsonl");
  policy = sb.file("policy.yaml", `version: 1
trust:
  allowedWithoutConfirmation: [calendar_read]
  requiresConfirmation: [calendar_modify]
skills:
  calendar_read: { allow: { net: ["127.0.0.1:${dav.port}"], env: [MOLTBOT_CALDAV_URL] } }
  calendar_modify: { allow: { net: ["127.0.0.1:${dav.port}"], env: [MOLTBOT_CALDAV_URL] } }
`);
  creds = JSON.stringify({ caldav: { value: CREDENTIAL, host: "127.0.0.1" } });
});

afterAll(async () => {
  await dav?.stop();
  sb.cleanup();
});

async function call(name: string, params: unknown, opts: { policy?: string; env?: Record<string, string>; flags?: string[]; noCredential?: boolean } = {}) {
  sb.config(opts.noCredential ? {} : { credentials: JSON.parse(creds) });
  const r = await sb.run(
    ["skill", "run", skill(name), "--params", JSON.stringify(params), "--policy", opts.policy ?? policy, "--audit", audit, "--json", ...(opts.flags ?? [])],
    { MOLTBOT_CALDAV_URL: cal, ...opts.env },
  );
  expect(r.stdout + r.stderr).not.toContain(CREDENTIAL);
  return { ...r, json: JSON.parse(r.stdout || "null") };
}

type Ev = { uid: string; summary: string; start: string; end: string; allDay: boolean; location?: string; description?: string; recurring: boolean };

describe("what's on my calendar tomorrow (calendar_read)", () => {
  test("tomorrow's events in the user's offset: time zones, all-day, a weekly rule, escaping and folding", async () => {
    const r = await call("calendar_read", { date: tomorrow, utc_offset: "+01:00" });
    expect(r.code).toBe(0);
    const out = r.json.output;
    expect(out.untrusted).toBe(true);
    const events: Ev[] = out.events;
    expect(events.map((e) => e.summary)).toEqual(["Team offsite", "Standup", "Weekly review"]);
    expect(events[0]).toMatchObject({ allDay: true, start: tomorrow, end: tomorrow });
    expect(events[1]).toMatchObject({
      start: `${tomorrow}T09:00:00+01:00`, end: `${tomorrow}T09:15:00+01:00`, location: "Room 1, 2nd floor",
      description: "Bring notes\nand coffee; a long line that is folded over several physical lines because it is longer than seventy-five octets",
    });
    expect(events[2]).toMatchObject({ start: `${tomorrow}T15:00:00+01:00`, recurring: true });
    expect(out.summary).toContain(`3 events from ${tomorrow}T00:00:00+01:00`);
    expect(out.summary).toContain(`- ${tomorrow} 09:00–09:15 Standup @ Room 1, 2nd floor`);
  });

  test("the same day seen from another offset; an EXDATE removes one occurrence; a summer date uses daylight time", async () => {
    const ny = await call("calendar_read", { date: tomorrow, utc_offset: "-05:00" });
    const standup = ny.json.output.events.find((e: Ev) => e.summary === "Standup");
    expect(standup.start).toBe(`${tomorrow}T03:00:00-05:00`);
    const lastWeek = await call("calendar_read", { date: dayAfter(tomorrow, -7), utc_offset: "+01:00" });
    expect(lastWeek.json.output.events.map((e: Ev) => e.summary)).not.toContain("Weekly review");
    const summer = await call("calendar_read", { date: "2026-07-01", utc_offset: "+02:00" });
    expect(summer.json.output.events).toEqual([expect.objectContaining({ summary: "Summer party", start: "2026-07-01T10:00:00+02:00", end: "2026-07-01T11:00:00+02:00" })]);
  });

  test("several days: every weekly occurrence in range, nothing outside it", async () => {
    const r = await call("calendar_read", { from: dayAfter(tomorrow, -21), to: dayAfter(tomorrow, 3), utc_offset: "+00:00" });
    const weekly = r.json.output.events.filter((e: Ev) => e.summary === "Weekly review").map((e: Ev) => e.start.slice(0, 10));
    expect(weekly).toEqual([dayAfter(tomorrow, -21), dayAfter(tomorrow, -14), tomorrow]);
    expect(r.json.output.events.map((e: Ev) => e.summary)).toContain("Dentist");
  });

  test("without the credential the server says 401 and the skill says which credential to set", async () => {
    const r = await call("calendar_read", { date: tomorrow }, { noCredential: true });
    expect(r.code).toBe(1);
    expect(r.json.error.message).toContain("401 to REPORT (check the caldav credential in config.yaml)");
  });

  test("a server the policy does not name is denied (exit 3), never prompted", async () => {
    const p = sb.file("policy-nonet.yaml", `version: 1\ntrust: { default: allow }\nskills:\n  calendar_read: { allow: { env: [MOLTBOT_CALDAV_URL] } }\n`);
    const r = await call("calendar_read", { date: tomorrow }, { policy: p, flags: ["--yes"] });
    expect(r.code).toBe(3);
    expect(r.json.error.message).toContain(`Requires net access to "127.0.0.1:${dav.port}", a loopback address`);
  });
});

describe("calendar_modify", () => {
  test("create, update and delete an event; each change needs confirmation", async () => {
    const refused = await call("calendar_modify", { action: "create", summary: "Lunch with Bob", start: `${tomorrow}T12:30:00+01:00` });
    expect(refused.code).toBe(4);

    const created = await call("calendar_modify", { action: "create", summary: "Lunch with Bob", start: `${tomorrow}T12:30:00+01:00`, location: "Café; Main St" }, { flags: ["--yes"] });
    expect(created.code).toBe(0);
    const uid = created.json.output.uid;
    expect(created.json.output.summary).toBe(`Created "Lunch with Bob" on ${tomorrow}T12:30:00+01:00`);
    let day = (await call("calendar_read", { date: tomorrow, utc_offset: "+01:00" })).json.output.events as Ev[];
    expect(day.find((e) => e.uid === uid)).toMatchObject({ summary: "Lunch with Bob", start: `${tomorrow}T12:30:00+01:00`, end: `${tomorrow}T13:30:00+01:00`, location: "Café; Main St" });

    const updated = await call("calendar_modify", { action: "update", uid, summary: "Lunch with Bob and Carol", start: `${tomorrow}T13:00:00+01:00`, end: `${tomorrow}T14:00:00+01:00` }, { flags: ["--yes"] });
    expect(updated.code).toBe(0);
    day = (await call("calendar_read", { date: tomorrow, utc_offset: "+01:00" })).json.output.events as Ev[];
    expect(day.find((e) => e.uid === uid)).toMatchObject({ summary: "Lunch with Bob and Carol", start: `${tomorrow}T13:00:00+01:00`, location: "Café; Main St" });

    const deleted = await call("calendar_modify", { action: "delete", uid }, { flags: ["--yes"] });
    expect(deleted.code).toBe(0);
    day = (await call("calendar_read", { date: tomorrow, utc_offset: "+01:00" })).json.output.events as Ev[];
    expect(day.map((e) => e.uid)).not.toContain(uid);
  });

  test("an all-day event, and a clear error for an unknown uid", async () => {
    const r = await call("calendar_modify", { action: "create", summary: "Holiday", start: dayAfter(tomorrow, 1), end: dayAfter(tomorrow, 2), all_day: true }, { flags: ["--yes"] });
    expect(r.code).toBe(0);
    const days = (await call("calendar_read", { date: dayAfter(tomorrow, 1), days: 2, utc_offset: "+01:00" })).json.output.events as Ev[];
    expect(days.find((e) => e.summary === "Holiday")).toMatchObject({ allDay: true, start: dayAfter(tomorrow, 1), end: dayAfter(tomorrow, 2) });
    const missing = await call("calendar_modify", { action: "delete", uid: "nope@example" }, { flags: ["--yes"] });
    expect(missing.code).toBe(1);
    expect(missing.json.error.message).toContain('there is no event with uid "nope@example" in this calendar');
  });
});
