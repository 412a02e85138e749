// Calendar objects (as CalDAV returns them) → event occurrences overlapping [from, to): times
// resolved through the object's VTIMEZONEs (UTC, TZID, floating, all-day), recurrences (RRULE,
// RDATE) expanded, RECURRENCE-ID overrides and EXDATEs applied. A series this cannot fully
// expand is still shown, with a note, never dropped.
import { children, parseICal, prop, props, unescapeText } from "./ical.js";
import { expandSeries, parseRule } from "./rrule.js";
import { wallOf, zoneOffset } from "./tz.js";

const MIN = 60000, DAY = 86400000;
/** Wall times differ from UTC by at most this much in any zone. */
const ZONE_SLACK = 14 * 60 * MIN;
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
      const overlaps = (s) => s < to && (s + duration > from || (duration === 0 && s >= from));
      const rrule = prop(ev, "RRULE");
      const isOverride = prop(ev, "RECURRENCE-ID") !== undefined;
      const recurring = rrule !== undefined || props(ev, "RDATE").length > 0;
      let starts = [start.utc], problem = null;
      if (recurring && !isOverride) {
        ({ starts, problem } = seriesStarts(ev, start, rrule, resolve, from - Math.max(0, duration) - ZONE_SLACK, to + ZONE_SLACK));
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
      const shown = starts.filter(overlaps);
      let note;
      if (problem) {
        // The server matched this series to the range; if what could be expanded shows nothing
        // there, the first occurrence stands in for it rather than the event vanishing.
        const firstOnly = shown.length === 0 && start.utc < to;
        if (firstOnly) shown.push(start.utc);
        note = `the recurrence could not be fully expanded (${problem}); ${firstOnly ? "only its first occurrence is shown" : "some occurrences may be missing"}`;
      }
      for (const s of shown) out.push(eventOf(ev, obj, s, duration, start.allDay, recurring || isOverride, note));
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** A master's occurrence starts (UTC ms) from its RRULE and RDATEs, within [minWall, maxWall] of wall time. */
function seriesStarts(ev, start, rrule, resolve, minWall, maxWall) {
  let starts = [start.utc], problem = null;
  if (rrule) {
    const rule = parseRule(rrule.value);
    const series = expandSeries(start.wall, rule, { pastUntil: untilTest(rule.UNTIL, start), minWall, maxWall });
    starts = series.starts.map((w) => start.toUtc(w));
    if (series.problem) problem = `${series.problem} in its rule`;
  }
  for (const rd of props(ev, "RDATE")) for (const v of rd.value.split(",")) {
    const t = resolve({ ...rd, value: v.split("/")[0] }); // a PERIOD (start/end) contributes its start
    if (t) starts.push(t.utc);
  }
  return { starts: [...new Set(starts)].sort((a, b) => a - b), problem };
}

/**
 * Whether an occurrence at a wall time is after UNTIL. A UTC UNTIL is compared with each
 * occurrence's own instant, so a series crossing a DST change keeps its last occurrence; a
 * date-only UNTIL includes that whole day.
 */
function untilTest(until, start) {
  const w = until === undefined ? null : wallOf(until);
  if (w === null) return null;
  if (until.endsWith("Z") && !start.allDay) return (wall) => start.toUtc(wall) > w;
  const last = /^\d{8}$/.test(until) ? w + DAY - 1 : w;
  return (wall) => wall > last;
}

function eventOf(ev, obj, start, duration, allDay, recurring, note) {
  const text = (n) => (prop(ev, n) ? unescapeText(prop(ev, n).value) : undefined);
  const e = { uid: text("UID") ?? "", summary: text("SUMMARY") ?? "(no title)", startMs: start, endMs: start + duration, allDay, recurring, href: obj.href };
  for (const [k, n] of [["location", "LOCATION"], ["description", "DESCRIPTION"]]) if (text(n) !== undefined) e[k] = text(n);
  // STATUS is a token (TENTATIVE, CONFIRMED, CANCELLED); a cancelled occurrence is kept and marked.
  if (text("STATUS") !== undefined) e.status = text("STATUS").trim().toUpperCase();
  if (note) e.note = note;
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
  return { utc: toUtc(wall), wall, allDay, toUtc };
}

export function parseDuration(v) {
  const m = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(String(v ?? ""));
  if (!m) return null;
  const ms = ((+(m[2] ?? 0) * 7 + +(m[3] ?? 0)) * 24 * 3600 + +(m[4] ?? 0) * 3600 + +(m[5] ?? 0) * 60 + +(m[6] ?? 0)) * 1000;
  return m[1] === "-" ? -ms : ms;
}
