// Calendar objects (as CalDAV returns them) → event occurrences overlapping [from, to): times
// resolved through the object's VTIMEZONEs (UTC, TZID, floating, all-day), recurrences expanded,
// RECURRENCE-ID overrides and EXDATEs applied.
import { children, parseICal, prop, props, unescapeText } from "./ical.js";
import { expand, isSupported, parseRule } from "./rrule.js";
import { wallOf, zoneOffset } from "./tz.js";

const MIN = 60000, DAY = 86400000;
const UTC_NAMES = new Set(["UTC", "ETC/UTC", "GMT", "Z", "ETC/GMT"]);

/** `offset`: minutes east of UTC used for all-day and floating times (the user's zone). */
export function occurrences(objects, from, to, offset) {
  const out = [];
  for (const obj of objects) {
    const cal = parseICal(obj.data);
    const vcal = children(cal, "VCALENDAR")[0] ?? cal;
    const zones = new Map(children(vcal, "VTIMEZONE").map((z) => [String(prop(z, "TZID")?.value ?? ""), z]));
    const resolve = (p) => resolveTime(p, zones, offset);
    const events = children(vcal, "VEVENT");
    const overrides = events.filter((e) => prop(e, "RECURRENCE-ID"));
    for (const ev of events) {
      const start = resolve(prop(ev, "DTSTART"));
      if (!start) continue;
      const end = prop(ev, "DTEND") ? resolve(prop(ev, "DTEND")) : null;
      const duration = end ? end.utc - start.utc : parseDuration(prop(ev, "DURATION")?.value) ?? (start.allDay ? DAY : 0);
      const rrule = prop(ev, "RRULE");
      let starts = [start.utc], expanded = true;
      if (rrule && !prop(ev, "RECURRENCE-ID")) {
        const rule = parseRule(rrule.value);
        if (isSupported(rule)) {
          const untilWall = rule.UNTIL ? untilToWall(rule.UNTIL, start) : null;
          const maxWall = to + 14 * 60 * MIN + start.wallShift; // to, in the event's wall time, with slack for zone offsets
          starts = expand(start.wall, rule, untilWall, maxWall).map((w) => start.toUtc(w));
        } else expanded = false;
        const skip = new Set();
        for (const ex of props(ev, "EXDATE")) for (const v of ex.value.split(",")) {
          const t = resolve({ ...ex, value: v });
          if (t) skip.add(t.utc);
        }
        for (const o of overrides) {
          if (prop(o, "UID")?.value !== prop(ev, "UID")?.value) continue;
          const t = resolve(prop(o, "RECURRENCE-ID"));
          if (t) skip.add(t.utc);
        }
        starts = starts.filter((t) => !skip.has(t));
      }
      for (const s of starts) {
        if (s < to && (s + duration > from || (duration === 0 && s >= from))) {
          out.push(eventOf(ev, obj, s, duration, start.allDay, rrule !== undefined || prop(ev, "RECURRENCE-ID") !== undefined, expanded));
        }
      }
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

function eventOf(ev, obj, start, duration, allDay, recurring, expanded) {
  const text = (n) => (prop(ev, n) ? unescapeText(prop(ev, n).value) : undefined);
  const e = { uid: text("UID") ?? "", summary: text("SUMMARY") ?? "(no title)", startMs: start, endMs: start + duration, allDay, recurring, href: obj.href };
  for (const [k, n] of [["location", "LOCATION"], ["description", "DESCRIPTION"], ["status", "STATUS"]]) if (text(n) !== undefined) e[k] = text(n);
  if (!expanded) e.note = "repeats by a rule this skill does not expand; only the first occurrence is shown";
  return e;
}

/** A DTSTART/DTEND/EXDATE/RECURRENCE-ID property → its UTC time and how to map wall times of the same zone. */
export function resolveTime(p, zones, offset) {
  if (!p) return null;
  const v = String(p.value).trim();
  const wall = wallOf(v);
  if (wall === null) return null;
  const allDay = p.params.VALUE === "DATE" || /^\d{8}$/.test(v);
  let toUtc;
  if (!allDay && v.endsWith("Z")) toUtc = (w) => w;
  else if (!allDay && p.params.TZID) {
    const tzid = p.params.TZID;
    const zone = zones.get(tzid);
    if (zone && zoneOffset(zone, wall) !== null) toUtc = (w) => w - zoneOffset(zone, w) * MIN;
    else if (UTC_NAMES.has(tzid.toUpperCase())) toUtc = (w) => w;
    else toUtc = (w) => w - offset * MIN; // unknown zone: read as the user's local time
  } else toUtc = (w) => w - offset * MIN;
  return { utc: toUtc(wall), wall, allDay, toUtc, wallShift: wall - toUtc(wall) };
}

function untilToWall(until, start) {
  const w = wallOf(until);
  if (w === null) return null;
  // A UTC UNTIL is compared in the event's wall time; a date-only UNTIL includes that whole day.
  if (until.endsWith("Z")) return w + start.wallShift;
  return /^\d{8}$/.test(until) ? w + DAY - 1 : w;
}

export function parseDuration(v) {
  const m = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(String(v ?? ""));
  if (!m) return null;
  const ms = ((+(m[2] ?? 0) * 7 + +(m[3] ?? 0)) * 24 * 3600 + +(m[4] ?? 0) * 3600 + +(m[5] ?? 0) * 60 + +(m[6] ?? 0)) * 1000;
  return m[1] === "-" ? -ms : ms;
}
