// calendar_modify: create, update or delete one event on a CalDAV calendar. New events are written
// in UTC (or as all-day dates), so no VTIMEZONE has to be invented; an update rewrites only the
// properties it changes and keeps everything else (alarms, attendees, time zones) as it was, and
// writes a new time in the form the event had (retime.js), so a zoned event stays in its zone.
import { calendarUrl, findByUid, put, remove } from "./caldav.js";
import { children, CONTROL, escapeText, parseICal, prop, serialize, uidOf } from "./ical.js";
import { replace, retime } from "./retime.js";
import { instant, offsetOf, show } from "./when.js";

const DAY = 86400000;
const TEXT = [["summary", "SUMMARY"], ["location", "LOCATION"], ["description", "DESCRIPTION"]];
const utc = (ms) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const ymd = (ms) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, "");

function newUid() {
  let s = "";
  for (let i = 0; i < 24; i++) s += "0123456789abcdef"[Math.floor(Math.random() * 16)];
  return `${s}@moltbot`;
}

/** Everything the request says, checked before the server is asked anything. */
function check(p, offset) {
  for (const [key] of TEXT) {
    const bad = p[key] !== undefined ? CONTROL.exec(String(p[key])) : null;
    if (bad) throw new Error(`${key}: contains the control character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}; remove it`);
  }
  for (const key of ["start", "end"]) if (p[key] !== undefined) instant(p.all_day ? String(p[key]).slice(0, 10) : p[key], offset, key);
  if (p.action === "create" && (p.summary === undefined || p.start === undefined)) throw new Error("create needs summary and start");
  if (p.action !== "create" && p.uid === undefined) throw new Error(`${p.action} needs the event's uid (from calendar_read)`);
  if (p.action === "update" && ![...TEXT.map(([k]) => k), "start", "end"].some((k) => p[k] !== undefined)) {
    throw new Error("update needs at least one of summary, start, end, location, description");
  }
}

/** DTSTART/DTEND of a new event. */
function newTimes(p, offset) {
  if (p.all_day) {
    const a = instant(p.start.slice(0, 10), 0, "start");
    const b = p.end !== undefined ? instant(p.end.slice(0, 10), 0, "end") + DAY : a + DAY;
    if (b <= a) throw new Error("end must not be before start");
    return [{ name: "DTSTART", params: { VALUE: "DATE" }, value: ymd(a) }, { name: "DTEND", params: { VALUE: "DATE" }, value: ymd(b) }];
  }
  const a = instant(p.start, offset, "start");
  const b = p.end !== undefined ? instant(p.end, offset, "end") : a + 3600000;
  if (b <= a) throw new Error("end must be after start");
  return [{ name: "DTSTART", params: {}, value: utc(a) }, { name: "DTEND", params: {}, value: utc(b) }];
}

const textProps = (p) => TEXT.filter(([key]) => p[key] !== undefined).map(([key, name]) => ({ name, params: {}, value: escapeText(p[key]) }));

export default async (p) => {
  const url = calendarUrl(p.calendar_url);
  const offset = offsetOf(p.utc_offset);
  check(p, offset);
  const stamp = { name: "DTSTAMP", params: {}, value: utc(Date.now()) };

  if (p.action === "create") {
    const uid = newUid();
    const event = { name: "VEVENT", props: [{ name: "UID", params: {}, value: uid }, stamp, ...newTimes(p, offset), ...textProps(p)], children: [] };
    const cal = { name: "VCALENDAR", props: [{ name: "VERSION", params: {}, value: "2.0" }, { name: "PRODID", params: {}, value: "-//Moltbot//calendar_modify//EN" }], children: [event] };
    const href = url + encodeURIComponent(uid) + ".ics";
    await put(href, serialize({ name: "ROOT", props: [], children: [cal] }));
    // Shown back in the offset the start was written with, so the user recognises it.
    const shownIn = offsetOf(/([+-]\d{2}:\d{2})$/.exec(p.start)?.[1] ?? p.utc_offset);
    const when = p.all_day ? p.start.slice(0, 10) : show(instant(p.start, offset, "start"), shownIn, false);
    return { summary: `Created "${p.summary}" on ${when}`, action: "create", uid, href };
  }

  const found = await findByUid(url, p.uid);
  if (!found) throw new Error(`there is no event with uid "${String(p.uid).slice(0, 100)}" in this calendar`);

  if (p.action === "delete") {
    await remove(found.href, found.etag);
    return { summary: `Deleted the event ${p.uid}`, action: "delete", uid: p.uid, href: found.href };
  }

  const root = parseICal(found.data);
  const vcal = children(root, "VCALENDAR")[0];
  // The master event (not a RECURRENCE-ID override) is the one a plain update changes.
  const ev = vcal && children(vcal, "VEVENT").find((e) => uidOf(e) === p.uid && !prop(e, "RECURRENCE-ID"));
  if (!ev) throw new Error(`the calendar object for uid "${String(p.uid).slice(0, 100)}" holds only single changed occurrences; change them in a calendar app`);
  const timed = p.start !== undefined || p.end !== undefined ? retime(vcal, ev, p, offset) : { changed: [], moved: { exdates: 0, overrides: 0 } };
  const text = textProps(p);
  const seq = { name: "SEQUENCE", params: {}, value: String(Number(prop(ev, "SEQUENCE")?.value ?? 0) + 1) };
  replace(ev, [stamp, seq, ...text]);
  await put(found.href, serialize(root), found.etag);
  const { exdates, overrides } = timed.moved;
  const along = exdates + overrides > 0 ? `; ${[exdates && `${exdates} excluded date${exdates === 1 ? "" : "s"}`, overrides && `${overrides} changed occurrence${overrides === 1 ? "" : "s"}`].filter(Boolean).join(" and ")} moved with the series` : "";
  return {
    summary: `Updated the event ${p.uid} (${[...text.map((c) => c.name.toLowerCase()), ...timed.changed].join(", ")})${along}`,
    action: "update", uid: p.uid, href: found.href, moved: timed.moved,
  };
};
