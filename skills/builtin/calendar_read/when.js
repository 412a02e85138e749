// The time range a request means, and times shown back in the user's UTC offset (QuickJS has no
// Intl, so the offset is a parameter: "+01:00"; the model knows the user's zone).
import { parseOffset } from "./tz.js";

const DAY = 86400000;

export function offsetOf(text) {
  if (text === undefined) return 0;
  const o = parseOffset(text);
  if (o === null || Math.abs(o) > 14 * 60) throw new Error(`utc_offset must look like +01:00 or -05:00, not "${String(text).slice(0, 20)}"`);
  return o;
}

/** An ISO time with an offset, or a date (midnight at `offset`), → UTC ms. */
export function instant(text, offset, field) {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
  if (d) return Date.UTC(+d[1], +d[2] - 1, +d[3]) - offset * 60000;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(String(text))) {
    throw new Error(`${field} must be a date (2026-01-28) or an ISO time (2026-01-28T09:00:00+01:00)`);
  }
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(text);
  const t = Date.parse(hasZone ? text : text + "Z");
  if (Number.isNaN(t)) throw new Error(`${field} is not a valid time`);
  return hasZone ? t : t - offset * 60000;
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
