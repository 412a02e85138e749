// The form an event's times are written in: an all-day date, UTC, a TZID with the object's
// VTIMEZONE, or floating. Times are "wall" milliseconds (Date.UTC of the local fields), as in
// tz.js; each form maps them to and from UTC. A changed time is written in the form it had, so an
// event in a zone stays in it and its repetitions keep their clock time across DST changes.
import { utcIn, wallAt, wallOf } from "./tz.js";

const MIN = 60000;
const UTC_NAMES = new Set(["UTC", "ETC/UTC", "GMT", "Z", "ETC/GMT"]);

export const UTC_FORM = { kind: "utc", toUtc: (w) => w, toWall: (u) => u };

/** Floating times, all-day dates and zones without a VTIMEZONE are read in the user's offset, as calendar_read reads them. */
const local = (kind, offset, tzid) => ({ kind, tzid, toUtc: (w) => w - offset * MIN, toWall: (u) => u + offset * MIN });
export const dateForm = (offset) => local("date", offset);

/** The form of a DTSTART-like property (DTEND, EXDATE, RECURRENCE-ID …). */
export function formOf(p, zones, offset) {
  const v = String(p.value).trim();
  if (p.params.VALUE === "DATE" || /^\d{8}$/.test(v)) return dateForm(offset);
  if (v.endsWith("Z")) return UTC_FORM;
  const tzid = p.params.TZID;
  if (tzid === undefined) return local("floating", offset);
  const zone = zones.get(tzid);
  if (zone && utcIn(zone, wallOf(v)) !== null) {
    return { kind: "zone", tzid, toUtc: (w) => utcIn(zone, w), toWall: (u) => wallAt(zone, u) };
  }
  if (UTC_NAMES.has(tzid.toUpperCase())) return { kind: "zone", tzid, toUtc: (w) => w, toWall: (u) => u };
  return local("zone", offset, tzid);
}

export const sameForm = (a, b) => a.kind === b.kind && a.tzid === b.tzid;

/** A property's instant in UTC ms, or null if its value is not a time. */
export function utcOf(p, zones, offset) {
  const w = wallOf(String(p.value).trim());
  return w === null ? null : formOf(p, zones, offset).toUtc(w);
}

/** The value text of a wall time in this form: 20260302, 20260302T090000 or 20260302T140000Z. */
export function valueIn(form, wall) {
  const iso = new Date(wall).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "");
  return form.kind === "date" ? iso.slice(0, 8) : form.kind === "utc" ? `${iso}Z` : iso;
}

/** A DTSTART/DTEND property at a wall time in this form. */
export function timeProp(name, form, wall) {
  const params = form.kind === "date" ? { VALUE: "DATE" } : form.kind === "zone" ? { TZID: form.tzid } : {};
  return { name, params, value: valueIn(form, wall) };
}
