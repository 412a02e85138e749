// calendar_modify: create, update or delete one event on a CalDAV calendar. Times are written in
// UTC (or as all-day dates), so no VTIMEZONE has to be invented; an update rewrites only the
// properties it changes and keeps everything else (alarms, attendees, time zones) as it was.
import { calendarUrl, findByUid, put, remove } from "./caldav.js";
import { children, escapeText, parseICal, prop, serialize } from "./ical.js";
import { instant, offsetOf, show } from "./when.js";

const DAY = 86400000;
const utc = (ms) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const ymd = (ms) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, "");

function newUid() {
  let s = "";
  for (let i = 0; i < 24; i++) s += "0123456789abcdef"[Math.floor(Math.random() * 16)];
  return `${s}@moltbot`;
}

/** The DTSTART/DTEND properties for the requested times. */
function timeProps(p, offset) {
  if (p.start === undefined) return [];
  if (p.all_day) {
    const a = instant(p.start.slice(0, 10), 0, "start");
    const b = p.end !== undefined ? instant(p.end.slice(0, 10), 0, "end") + DAY : a + DAY;
    if (b <= a) throw new Error("end must not be before start");
    return [
      { name: "DTSTART", params: { VALUE: "DATE" }, value: ymd(a) },
      { name: "DTEND", params: { VALUE: "DATE" }, value: ymd(b) },
    ];
  }
  const a = instant(p.start, offset, "start");
  const b = p.end !== undefined ? instant(p.end, offset, "end") : a + 3600000;
  if (b <= a) throw new Error("end must be after start");
  return [{ name: "DTSTART", params: {}, value: utc(a) }, { name: "DTEND", params: {}, value: utc(b) }];
}

function textProps(p) {
  const out = [];
  for (const [key, name] of [["summary", "SUMMARY"], ["location", "LOCATION"], ["description", "DESCRIPTION"]]) {
    if (p[key] !== undefined) out.push({ name, params: {}, value: escapeText(p[key]) });
  }
  return out;
}

export default async (p) => {
  const url = calendarUrl(p.calendar_url);
  const offset = offsetOf(p.utc_offset);
  const stamp = { name: "DTSTAMP", params: {}, value: utc(Date.now()) };

  if (p.action === "create") {
    if (p.summary === undefined || p.start === undefined) throw new Error("create needs summary and start");
    const uid = newUid();
    const event = { name: "VEVENT", props: [{ name: "UID", params: {}, value: uid }, stamp, ...timeProps(p, offset), ...textProps(p)], children: [] };
    const cal = { name: "VCALENDAR", props: [{ name: "VERSION", params: {}, value: "2.0" }, { name: "PRODID", params: {}, value: "-//Moltbot//calendar_modify//EN" }], children: [event] };
    const href = url + encodeURIComponent(uid) + ".ics";
    await put(href, serialize({ name: "ROOT", props: [], children: [cal] }));
    // Shown back in the offset the start was written with, so the user recognises it.
    const shownIn = offsetOf(/([+-]\d{2}:\d{2})$/.exec(p.start)?.[1] ?? p.utc_offset);
    const when = p.all_day ? p.start.slice(0, 10) : show(instant(p.start, offset, "start"), shownIn, false);
    return { summary: `Created "${p.summary}" on ${when}`, action: "create", uid, href };
  }

  if (p.uid === undefined) throw new Error(`${p.action} needs the event's uid (from calendar_read)`);
  const found = await findByUid(url, p.uid);
  if (!found) throw new Error(`there is no event with uid "${String(p.uid).slice(0, 100)}" in this calendar`);

  if (p.action === "delete") {
    await remove(found.href, found.etag);
    return { summary: `Deleted the event ${p.uid}`, action: "delete", uid: p.uid, href: found.href };
  }

  const root = parseICal(found.data);
  const vcal = children(root, "VCALENDAR")[0];
  // The master event (not a RECURRENCE-ID override) is the one a plain update changes.
  const ev = vcal && children(vcal, "VEVENT").find((e) => prop(e, "UID")?.value === p.uid && !prop(e, "RECURRENCE-ID"));
  if (!ev) throw new Error("the event on the server could not be read");
  const changes = [...timeProps(p, offset), ...textProps(p)];
  if (changes.length === 0) throw new Error("update needs at least one of summary, start, end, location, description");
  const replaced = new Set([...changes.map((c) => c.name), "DTSTAMP", ...(changes.some((c) => c.name === "DTSTART") ? ["DTEND", "DURATION"] : [])]);
  const seq = Number(prop(ev, "SEQUENCE")?.value ?? 0) + 1;
  ev.props = [...ev.props.filter((x) => !replaced.has(x.name) && x.name !== "SEQUENCE"), stamp, { name: "SEQUENCE", params: {}, value: String(seq) }, ...changes];
  await put(found.href, serialize(root), found.etag);
  return { summary: `Updated the event ${p.uid} (${changes.map((c) => c.name.toLowerCase()).join(", ")})`, action: "update", uid: p.uid, href: found.href };
};
