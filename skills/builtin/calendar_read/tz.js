// Wall time in a VTIMEZONE → UTC and back, without Intl (QuickJS has none), as RFC 5545 §3.6.5
// defines it: each STANDARD or DAYLIGHT observance begins at its DTSTART, at its RDATEs and at
// each onset of its yearly RRULE (BYMONTH, BYDAY such as -1SU or 2SU, BYMONTHDAY, UNTIL, COUNT);
// the offset in force is the TZOFFSETTO of the latest onset, and before the first one the
// earliest observance's TZOFFSETFROM. So a zone with one-off changes only (Apple's Asia/Kolkata,
// a full-history Asia/Kathmandu) keeps its modern offset. Times are "wall" milliseconds: Date.UTC
// of the local fields. Onsets are local times on the clock before the change (TZOFFSETFROM).
import { children, prop, props } from "./ical.js";

const DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
const MIN = 60000;
/** Years searched back from a rule's last possible onset, for rules that skip years (5SU). */
const MAX_YEARS_BACK = 30;

/** "+0100", "-05:30" or "+054116" (local mean time has seconds) → minutes east of UTC, or null. */
export function parseOffset(s) {
  const m = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?$/.exec(String(s).trim());
  if (!m) return null;
  const mins = Number(m[2]) * 60 + Number(m[3]) + Number(m[4] ?? 0) / 60;
  return m[1] === "-" ? -mins : mins;
}

/** "20261126T090000" (or with Z) → wall milliseconds. */
export function wallOf(v) {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?/.exec(v);
  if (!m) return null;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
}

/** The nth (or -nth) weekday of a month, as a day of month; null if it does not exist. */
export function nthWeekday(year, month, n, dow) {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
    const day = 1 + ((dow - first + 7) % 7) + (n - 1) * 7;
    return day <= daysIn(year, month) ? day : null;
  }
  const lastDay = daysIn(year, month);
  const last = new Date(Date.UTC(year, month, lastDay)).getUTCDay();
  const day = lastDay - ((last - dow + 7) % 7) + (n + 1) * 7;
  return day >= 1 ? day : null;
}

export const daysIn = (year, month) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/** An offset property in whole milliseconds (minutes with seconds are not exact in floating point). */
const offsetMs = (p) => {
  const m = parseOffset(p?.value ?? "");
  return m === null ? null : Math.round(m * MIN);
};

const parsed = new WeakMap();

/** The zone's observances: offsets in ms, onsets (DTSTART, RDATEs) as wall ms, the RRULE's parts. */
function observances(vtz) {
  if (parsed.has(vtz)) return parsed.get(vtz);
  const obs = [];
  for (const o of [...children(vtz, "STANDARD"), ...children(vtz, "DAYLIGHT")]) {
    const start = wallOf(String(prop(o, "DTSTART")?.value ?? "").trim());
    const to = offsetMs(prop(o, "TZOFFSETTO"));
    if (start === null || to === null) continue;
    const from = offsetMs(prop(o, "TZOFFSETFROM")) ?? to;
    const dates = [start];
    for (const rd of props(o, "RDATE")) for (const v of String(rd.value).split(",")) {
      const t = wallOf(v.split("/")[0].trim()); // a PERIOD's start
      // A UTC RDATE is turned into the clock time before the change, like the others.
      if (t !== null) dates.push(/Z$/i.test(v.split("/")[0].trim()) ? t + from : t);
    }
    const rule = {};
    for (const kv of String(prop(o, "RRULE")?.value ?? "").split(";")) {
      const [k, v] = kv.split("=");
      if (k && v !== undefined) rule[k.trim().toUpperCase()] = v.trim().toUpperCase();
    }
    obs.push({ start, from, to, dates, rule: rule.FREQ === "YEARLY" ? rule : null });
  }
  parsed.set(vtz, obs);
  return obs;
}

/** A rule's onsets in `year` (wall ms, ascending), before UNTIL and COUNT are applied. */
function ruleOnsetsIn(o, year) {
  const s = new Date(o.start), r = o.rule;
  const months = r.BYMONTH ? r.BYMONTH.split(",").map((m) => Number(m) - 1) : [s.getUTCMonth()];
  const monthDays = r.BYMONTHDAY ? r.BYMONTHDAY.split(",").map(Number) : null;
  const out = [];
  for (const month of months) {
    const len = daysIn(year, month);
    let days;
    if (r.BYDAY) {
      days = [];
      for (const d of r.BYDAY.split(",")) {
        const by = /^([+-]?\d+)?([A-Z]{2})$/.exec(d);
        const dow = by ? DAYS.indexOf(by[2]) : -1;
        if (dow < 0) continue;
        if (by[1]) days.push(nthWeekday(year, month, Number(by[1]), dow));
        else for (let day = 1; day <= len; day++) if (new Date(Date.UTC(year, month, day)).getUTCDay() === dow) days.push(day);
      }
      if (monthDays) days = days.filter((d) => monthDays.some((x) => x === d || x === d - len - 1));
    } else days = monthDays ? monthDays.map((x) => (x < 0 ? len + 1 + x : x)) : [s.getUTCDate()];
    for (const day of days) {
      if (day !== null && day >= 1 && day <= len) out.push(Date.UTC(year, month, day, s.getUTCHours(), s.getUTCMinutes(), s.getUTCSeconds()));
    }
  }
  return out.sort((a, b) => a - b);
}

/** The latest onset of the observance's RRULE at or before `limit` (wall ms), or null. */
function lastRuleOnset(o, limit) {
  const r = o.rule, y0 = new Date(o.start).getUTCFullYear();
  const interval = Math.max(1, Number(r.INTERVAL ?? 1) || 1);
  let last = new Date(limit).getUTCFullYear();
  // One onset a year (what zones write): the COUNTth is in year y0 + (COUNT - 1) * INTERVAL.
  if (r.COUNT) last = Math.min(last, y0 + (Number(r.COUNT) - 1) * interval);
  const until = r.UNTIL ? wallOf(r.UNTIL) : null;
  // UNTIL is UTC in a VTIMEZONE (§3.8.5.3); the onset's instant is its clock time minus TZOFFSETFROM.
  const beforeUntil = (t) => until === null || (/Z$/.test(r.UNTIL) ? t - o.from <= until : t <= until);
  if (until !== null) last = Math.min(last, new Date(until).getUTCFullYear() + 1);
  let y = last - ((((last - y0) % interval) + interval) % interval);
  for (let n = 0; y >= y0 && n < MAX_YEARS_BACK; y -= interval, n++) {
    const fit = ruleOnsetsIn(o, y).filter((t) => t >= o.start && t <= limit && beforeUntil(t));
    if (fit.length) return fit[fit.length - 1];
  }
  return null;
}

/** The observance's latest onset at or before `limit` (wall ms), or null. */
function lastOnset(o, limit) {
  let best = null;
  for (const t of o.dates) if (t <= limit && (best === null || t > best)) best = t;
  const t = o.rule ? lastRuleOnset(o, limit) : null;
  return t !== null && (best === null || t > best) ? t : best;
}

/**
 * The observance in force, given for each one the latest onset wanted (`limitOf`): the one whose
 * onset is the latest instant. Null before every onset.
 */
function inForce(obs, limitOf) {
  let best = null, bestAt = -Infinity;
  for (const o of obs) {
    const t = lastOnset(o, limitOf(o));
    if (t !== null && t - o.from > bestAt) { best = o; bestAt = t - o.from; }
  }
  return best;
}

/** Before any onset, the clock of the earliest observance's TZOFFSETFROM. */
function initialOffset(obs) {
  const earliest = obs.reduce((a, b) => (a.start <= b.start ? a : b));
  return earliest.from;
}

/**
 * Offset in ms east of UTC for a wall time in this zone, or null without usable observances.
 * A change takes effect at the later of its two clock readings (§3.3.5): a time skipped when
 * clocks go forward is read with the offset before the gap (02:30 → 03:30 summer time), a time
 * repeated when they go back means its first occurrence (still summer time).
 */
function offsetAtWall(vtz, wall) {
  const obs = observances(vtz);
  if (obs.length === 0) return null;
  const o = inForce(obs, (x) => wall - Math.max(0, x.to - x.from));
  return o ? o.to : initialOffset(obs);
}

/** Offset in minutes east of UTC that applies at a wall time in this zone, or null. */
export function zoneOffset(vtz, wall) {
  const ms = offsetAtWall(vtz, wall);
  return ms === null ? null : ms / MIN;
}

/** A wall time in this zone → UTC ms, or null without usable observances. */
export function utcIn(vtz, wall) {
  const ms = offsetAtWall(vtz, wall);
  return ms === null ? null : wall - ms;
}

/**
 * The wall time (wall ms) in this zone at a UTC instant, or null without usable observances: the
 * clock of the latest change at or before the instant, so in the repeated hour of a fall-back
 * change the second reading of a clock time belongs to the later instant.
 */
export function wallAt(vtz, utc) {
  const obs = observances(vtz);
  if (obs.length === 0) return null;
  const o = inForce(obs, (x) => utc + x.from);
  return utc + (o ? o.to : initialOffset(obs));
}
