// The time range a request means, and times shown back in the user's UTC offset (QuickJS has no
// Intl, so the offset is a parameter: "+01:00"; the model knows the user's zone).
import { daysIn, parseOffset } from "./tz.js";

const DAY = 86400000;
const MIN = 60000;

export function offsetOf(text) {
  if (text === undefined) return 0;
  const o = parseOffset(text);
  if (o === null || Math.abs(o) > 14 * 60) throw new Error(`utc_offset must look like +01:00 or -05:00, not "${String(text).slice(0, 20)}"`);
  return o;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * An ISO time with an offset, or a date (midnight at `offset`), → UTC ms. Every field is checked:
 * Date.UTC and Date.parse would silently turn February 30 into March 2.
 */
export function instant(text, offset, field) {
  const s = String(text);
  const m = ISO.exec(s);
  if (!m) throw new Error(`${field} must be a date (2026-01-28) or an ISO time (2026-01-28T09:00:00+01:00)`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  if (y < 1000 || mo < 0 || mo > 11 || d < 1 || d > daysIn(y, mo)) throw new Error(`${field}: ${s.slice(0, 10)} is not a date`);
  if (m[4] === undefined) return Date.UTC(y, mo, d) - offset * MIN;
  const [h, mi, sec] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || sec > 59) throw new Error(`${field}: ${s.slice(11, m[6] === undefined ? 16 : 19)} is not a time of day`);
  let zone = offset;
  if (m[8] !== undefined) {
    zone = m[8] === "Z" ? 0 : parseOffset(m[8]);
    if (Math.abs(zone) > 14 * 60 || Number(m[8].slice(4)) > 59) throw new Error(`${field}: ${m[8]} is not a UTC offset`);
  }
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  return Date.UTC(y, mo, d, h, mi, sec) + ms - zone * MIN;
}

/** [from, to) in UTC ms: explicit from/to, or `date` (default today at the offset) for `days` days. */
export function rangeOf({ from, to, date, days = 1 }, offset) {
  if (from !== undefined || to !== undefined) {
    const a = instant(from ?? to, offset, "from"), b = to !== undefined ? instant(to, offset, "to") : a + days * DAY;
    if (b <= a) throw new Error("to must be after from");
    return [a, b];
  }
  const start = date !== undefined ? instant(date, offset, "date") : Math.floor((Date.now() + offset * 60000) / DAY) * DAY - offset * 60000;
  return [start, start + days * DAY];
}

/** UTC ms → "2026-11-26T09:00:00+01:00" (or "2026-11-26" for all-day dates). */
export function show(ms, offset, allDay) {
  const local = new Date(ms + offset * 60000).toISOString();
  if (allDay) return local.slice(0, 10);
  const sign = offset < 0 ? "-" : "+", a = Math.abs(offset);
  return `${local.slice(0, 19)}${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}
