// Calendar objects (as CalDAV returns them) → event occurrences overlapping [from, to): times
// resolved through the object's VTIMEZONEs (UTC, TZID, floating, all-day), recurrences (RRULE,
// RDATE) expanded, RECURRENCE-ID overrides (a RANGE=THISANDFUTURE one for the rest of the series)
// and EXDATEs applied. A series this cannot fully expand is still shown, with a note, never dropped.
import { children, parseICal, prop, props, unescapeText } from "./ical.js";
import { expandSeries, parseRule } from "./rrule.js";
import { utcIn, wallOf } from "./tz.js";

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
      const duration = durationOf(ev, start, resolve);
      const rrule = prop(ev, "RRULE");
      const isOverride = prop(ev, "RECURRENCE-ID") !== undefined;
      const recurring = rrule !== undefined || props(ev, "RDATE").length > 0;
      // Each occurrence: its start, length and the component whose properties it shows.
      let shown = [{ s: start.utc, duration, comp: ev }], problem = null;
      if (recurring && !isOverride) {
        const mine = overrides.filter((o) => prop(o, "UID")?.value === prop(ev, "UID")?.value);
        const future = futureChanges(mine, resolve);
        // A changed instance that moves can reach the range from an original start outside it.
        const before = Math.max(0, duration, ...future.map((f) => f.shift + f.duration)), after = Math.max(0, ...future.map((f) => -f.shift));
        let starts;
        ({ starts, problem } = seriesStarts(ev, start, rrule, resolve, from - before - ZONE_SLACK, to + after + ZONE_SLACK));
        const skip = new Set();
        for (const ex of props(ev, "EXDATE")) for (const v of ex.value.split(",")) {
          const t = resolve({ ...ex, value: v });
          if (t) skip.add(t.utc);
        }
        for (const o of mine) {
          const t = resolve(prop(o, "RECURRENCE-ID"));
          if (t) skip.add(t.utc);
        }
        shown = starts.filter((t) => !skip.has(t)).map((t) => {
          const f = future.filter((x) => x.at < t).pop();
          return f ? { s: t + f.shift, duration: f.duration, comp: f.comp } : { s: t, duration, comp: ev };
        });
      }
      shown = shown.filter(({ s, duration: d }) => s < to && (s + d > from || (d === 0 && s >= from)));
      let note;
      if (problem) {
        // The server matched this series to the range; if what could be expanded shows nothing
        // there, the first occurrence stands in for it rather than the event vanishing.
        const firstOnly = shown.length === 0 && start.utc < to;
        if (firstOnly) shown.push({ s: start.utc, duration, comp: ev });
        note = `the recurrence could not be fully expanded (${problem}); ${firstOnly ? "only its first occurrence is shown" : "some occurrences may be missing"}`;
      }
      for (const o of shown) out.push(eventOf(o.comp, obj, o.s, o.duration, start.allDay, recurring || isOverride, note));
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/**
 * An event's length: DTEND − DTSTART, its DURATION, or a day for an all-day event; never negative
 * (a start in a spring-forward gap moves an hour later, past an end such as 03:00).
 */
function durationOf(ev, start, resolve) {
  const end = prop(ev, "DTEND") ? resolve(prop(ev, "DTEND")) : null;
  return Math.max(0, end ? end.utc - start.utc : parseDuration(prop(ev, "DURATION")?.value) ?? (start.allDay ? DAY : 0));
}

/**
 * A series' RECURRENCE-ID;RANGE=THISANDFUTURE overrides, by the instance they change from: each
 * later instance takes the override's properties and length and moves by the step from its
 * RECURRENCE-ID to its DTSTART (RFC 5545 §3.8.4.4). Google and Apple write them.
 */
function futureChanges(overrides, resolve) {
  const out = [];
  for (const o of overrides) {
    const rid = prop(o, "RECURRENCE-ID");
    if (String(rid.params.RANGE ?? "").toUpperCase() !== "THISANDFUTURE") continue;
    const at = resolve(rid), start = resolve(prop(o, "DTSTART"));
    if (!at) continue;
    out.push({ at: at.utc, shift: start ? start.utc - at.utc : 0, duration: start ? durationOf(o, start, resolve) : 0, comp: o });
  }
  return out.sort((a, b) => a.at - b.at);
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
    if (zone && utcIn(zone, wall) !== null) toUtc = (w) => utcIn(zone, w);
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
