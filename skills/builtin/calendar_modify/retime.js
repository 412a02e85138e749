// An update's new start and end for an existing event, in the event's own form (times.js), and a
// repeating series moved as a whole: its excluded dates, its UNTIL and the RECURRENCE-IDs of its
// changed occurrences shift by the same clock-time step as its start, as calendar apps do, so the
// same occurrences stay excluded or changed. An occurrence that had been moved elsewhere keeps its
// own time; one still at its original slot moves with the series.
import { children, prop, uidOf } from "./ical.js";
import { dateForm, formOf, sameForm, timeProp, UTC_FORM, utcOf, valueIn } from "./times.js";
import { wallOf } from "./tz.js";
import { instant } from "./when.js";

const DAY = 86400000, HOUR = 3600000;
const isDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(String(s));

/**
 * Changes `ev` (the master VEVENT) and, for a series, its overrides in `vcal`, for the start /
 * end / all_day in `p`. Returns the names of the properties set and what moved with a series.
 */
export function retime(vcal, ev, p, offset) {
  const zones = new Map(children(vcal, "VTIMEZONE").map((z) => [String(prop(z, "TZID")?.value ?? ""), z]));
  const dtstart = prop(ev, "DTSTART");
  const oldStart = dtstart ? wallOf(String(dtstart.value).trim()) : null;
  if (oldStart === null) throw new Error("the event on the server has no start this skill can read");
  const old = formOf(dtstart, zones, offset);
  const wasAllDay = old.kind === "date";
  const allDay = p.all_day === true || (wasAllDay && isDate(p.start ?? p.end));
  if (p.start === undefined && allDay !== wasAllDay) {
    throw new Error(wasAllDay ? "end: the event is all-day; give its last day as a date (2026-01-28)" : "all_day needs start: the day the event is on");
  }
  const recurring = prop(ev, "RRULE") !== undefined;
  if (recurring && allDay !== wasAllDay) throw new Error("a repeating series cannot be switched between all-day and timed here; do it in a calendar app");
  // A timed event made from an all-day one is written in UTC, as create writes it.
  const form = allDay ? (wasAllDay ? old : dateForm(offset)) : wasAllDay ? UTC_FORM : old;
  const wallIn = (text, field) => {
    if (allDay) return instant(String(text).slice(0, 10), 0, field);
    const at = instant(text, offset, field), wall = form.toWall(at);
    // The second pass through the hour repeated when clocks go back has no clock time of its own
    // in the zone: written there it would mean the first pass (RFC 5545 §3.3.5), an hour earlier.
    if (form.toUtc(wall) !== at) throw new Error(`${field}: ${String(text).slice(0, 40)} is the second time the clock shows ${valueIn(form, wall).slice(9, 13).replace(/^(..)/, "$1:")} in ${form.tzid}, which the event's time zone cannot express; give a time outside that hour`);
    return wall;
  };

  const start = p.start === undefined ? oldStart : wallIn(p.start, "start");
  let end = null; // null: DTEND / DURATION stay as they are
  if (p.end !== undefined) end = wallIn(p.end, "end") + (allDay ? DAY : 0);
  else if (p.start !== undefined && !sameForm(form, old)) end = start + (allDay ? DAY : HOUR);
  else if (p.start !== undefined && prop(ev, "DTEND")) {
    // Only the start moves: the event keeps its length (a DURATION is kept as it is).
    const dtend = prop(ev, "DTEND"), endForm = formOf(dtend, zones, offset), oldEnd = wallOf(String(dtend.value).trim());
    if (oldEnd !== null) end = sameForm(endForm, old) ? start + (oldEnd - oldStart) : form.toWall(form.toUtc(start) + endForm.toUtc(oldEnd) - old.toUtc(oldStart));
  }
  if (end !== null && form.toUtc(end) <= form.toUtc(start)) throw new Error(allDay ? "end must not be before start" : "end must be after start");

  const moved = recurring && start !== oldStart ? moveSeries(vcal, ev, { old, oldStart, start, zones, offset }) : { exdates: 0, overrides: 0 };
  const set = [];
  if (p.start !== undefined) set.push(timeProp("DTSTART", form, start));
  if (end !== null) set.push(timeProp("DTEND", form, end));
  replace(ev, set, end !== null ? ["DURATION"] : []);
  return { changed: set.map((x) => x.name.toLowerCase()), moved };
}

/** Puts each property where the old one of that name was (or at the end), and drops `drop`. */
export function replace(comp, set, drop = []) {
  for (const x of set) {
    const i = comp.props.findIndex((q) => q.name === x.name);
    if (i >= 0) comp.props.splice(i, 1, x);
    else comp.props.push(x);
  }
  comp.props = comp.props.filter((q) => !drop.includes(q.name));
}

function moveSeries(vcal, ev, { old, oldStart, start, zones, offset }) {
  const rule = String(prop(ev, "RRULE").value);
  const delta = start - oldStart;
  const days = Math.floor(start / DAY) - Math.floor(oldStart / DAY);
  if (/(^|;)BY(HOUR|MINUTE|SECOND)=/i.test(rule) || (days !== 0 && /(^|;)BY(DAY|MONTHDAY|YEARDAY|WEEKNO|MONTH|SETPOS)=/i.test(rule))) {
    throw new Error(`start: moving this repeating series ${days !== 0 ? "to another day" : "to another time"} would not move its rule (${rule.slice(0, 100)}); change only its time of day, or change the rule in a calendar app`);
  }
  // One time of the series, in whatever form it is written, moved by the series' clock-time step.
  const shift = (params, v) => {
    const f = formOf({ params, value: v }, zones, offset), w = wallOf(v.trim());
    if (w === null) return v;
    if (f.kind === "date") return valueIn(f, w + days * DAY);
    if (sameForm(f, old)) return valueIn(f, w + delta);
    return valueIn(f, f.toWall(old.toUtc(old.toWall(f.toUtc(w)) + delta)));
  };
  const set = (comp, q, value) => comp.props.splice(comp.props.indexOf(q), 1, { name: q.name, params: q.params, value });
  let exdates = 0;
  for (const q of ev.props.filter((x) => x.name === "EXDATE" || (x.name === "RDATE" && !x.value.includes("/")))) {
    const values = q.value.split(",");
    if (q.name === "EXDATE") exdates += values.length;
    set(ev, q, values.map((v) => shift(q.params, v)).join(","));
  }
  const until = /(^|;)UNTIL=([^;]+)/i.exec(rule);
  if (until) {
    const rrule = prop(ev, "RRULE");
    set(ev, rrule, rule.replace(/(^|;)UNTIL=[^;]+/i, `$1UNTIL=${shift(/Z$/i.test(until[2]) ? {} : { ...prop(ev, "DTSTART").params }, until[2])}`));
  }
  let overrides = 0;
  for (const o of children(vcal, "VEVENT")) {
    const rid = prop(o, "RECURRENCE-ID");
    if (!rid || o === ev || uidOf(o) !== uidOf(ev)) continue;
    const ds = prop(o, "DTSTART");
    const atSlot = ds !== undefined && utcOf(ds, zones, offset) === utcOf(rid, zones, offset);
    set(o, rid, shift(rid.params, rid.value));
    if (atSlot) for (const q of o.props.filter((x) => x.name === "DTSTART" || x.name === "DTEND")) set(o, q, shift(q.params, q.value));
    overrides++;
  }
  return { exdates, overrides };
}
