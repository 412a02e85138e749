// Wall time in a VTIMEZONE → UTC, without Intl (QuickJS has none): the zone's STANDARD and
// DAYLIGHT observances with their yearly rules (BYMONTH + BYDAY such as -1SU or 2SU), which is
// how every CalDAV server ships time zones. Times are "wall" milliseconds: Date.UTC of the
// local fields.
import { children, prop } from "./ical.js";

const DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

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

function observances(vtz) {
  return [...children(vtz, "STANDARD"), ...children(vtz, "DAYLIGHT")].map((o) => {
    const rule = {};
    for (const kv of String(prop(o, "RRULE")?.value ?? "").split(";")) {
      const [k, v] = kv.split("=");
      if (k) rule[k.toUpperCase()] = v;
    }
    return {
      start: wallOf(prop(o, "DTSTART")?.value ?? ""),
      from: parseOffset(prop(o, "TZOFFSETFROM")?.value ?? ""),
      to: parseOffset(prop(o, "TZOFFSETTO")?.value ?? ""),
      rule,
    };
  }).filter((o) => o.start !== null && o.to !== null);
}

/** When the observance begins in `year` (wall ms), or null. */
function onsetIn(o, year) {
  const s = new Date(o.start);
  if (!o.rule.FREQ) return s.getUTCFullYear() === year ? o.start : null;
  if (o.rule.FREQ !== "YEARLY" || year < s.getUTCFullYear()) return null;
  const month = o.rule.BYMONTH ? Number(o.rule.BYMONTH) - 1 : s.getUTCMonth();
  let day = s.getUTCDate();
  const by = /^([+-]?\d*)([A-Z]{2})$/.exec(o.rule.BYDAY ?? "");
  if (by) day = nthWeekday(year, month, Number(by[1] || 1), DAYS.indexOf(by[2]));
  if (day === null) return null;
  const t = Date.UTC(year, month, day, s.getUTCHours(), s.getUTCMinutes(), s.getUTCSeconds());
  if (o.rule.UNTIL) {
    const until = wallOf(o.rule.UNTIL);
    if (until !== null && t > until + 86400000) return null;
  }
  return t;
}

/** Offset in minutes east of UTC that applies at a wall time in this zone. */
export function zoneOffset(vtz, wall) {
  const obs = observances(vtz);
  if (obs.length === 0) return null;
  const year = new Date(wall).getUTCFullYear();
  let best = null, bestAt = -Infinity;
  for (const o of obs) {
    for (const y of [year, year - 1]) {
      const at = onsetIn(o, y);
      if (at !== null && at <= wall && at > bestAt) { best = o; bestAt = at; }
    }
  }
  if (best) return best.to;
  const earliest = obs.reduce((a, b) => (a.start <= b.start ? a : b));
  return earliest.from ?? earliest.to;
}

/**
 * The wall time (wall ms) in this zone at a UTC instant, or null without usable observances: the
 * wall time whose own offset leads back to the instant (the earlier one if two do). An instant in
 * the repeated hour of a fall-back change has none; it takes the offset of its own clock reading.
 */
export function wallAt(vtz, utc) {
  const offsets = [...new Set(observances(vtz).flatMap((o) => [o.from, o.to]).filter((o) => o !== null))];
  if (offsets.length === 0) return null;
  const fits = offsets.map((o) => utc + o * 60000).filter((w) => zoneOffset(vtz, w) === (w - utc) / 60000);
  if (fits.length) return Math.min(...fits);
  return utc + zoneOffset(vtz, utc) * 60000;
}
