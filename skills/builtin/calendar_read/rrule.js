// Basic RRULE expansion (RFC 5545 §3.3.10) in wall time: FREQ DAILY/WEEKLY/MONTHLY/YEARLY with
// INTERVAL, COUNT, UNTIL, BYDAY (weekly days; monthly 1MO/-1FR) and BYMONTHDAY. Anything else
// (BYSETPOS, BYWEEKNO, BYHOUR...) is reported as not expanded rather than guessed.
import { daysIn, nthWeekday, wallOf } from "./tz.js";

const DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
const DAY_MS = 86400000;
const SUPPORTED = new Set(["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST"]);
/** Candidates examined at most, so a rule without an end cannot run away. */
const MAX_STEPS = 5000;

export function parseRule(text) {
  const rule = {};
  for (const kv of String(text).split(";")) {
    const [k, v] = kv.split("=");
    if (k && v !== undefined) rule[k.toUpperCase()] = v.toUpperCase();
  }
  return rule;
}

export function isSupported(rule) {
  return ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"].includes(rule.FREQ) && Object.keys(rule).every((k) => SUPPORTED.has(k));
}

/**
 * Occurrence starts (wall ms) from `start` up to `maxWall`, in order. `untilWall` is the rule's
 * UNTIL already converted to wall time by the caller (it may be UTC).
 */
export function expand(start, rule, untilWall, maxWall) {
  const out = [];
  const interval = Math.max(1, Number(rule.INTERVAL ?? 1));
  const count = rule.COUNT ? Number(rule.COUNT) : Infinity;
  const s = new Date(start);
  const time = start - Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), s.getUTCDate());
  const byDay = (rule.BYDAY ?? "").split(",").filter(Boolean).map((d) => {
    const m = /^([+-]?\d*)([A-Z]{2})$/.exec(d);
    return m ? { n: m[1] ? Number(m[1]) : 0, dow: DAYS.indexOf(m[2]) } : null;
  }).filter((d) => d && d.dow >= 0);
  const byMonthDay = (rule.BYMONTHDAY ?? "").split(",").filter(Boolean).map(Number);
  const byMonth = (rule.BYMONTH ?? "").split(",").filter(Boolean).map((m) => Number(m) - 1);
  let emitted = 0, steps = 0;
  const push = (t) => {
    if (t < start || emitted >= count) return;
    if (untilWall !== null && t > untilWall) return;
    emitted++;
    if (t <= maxWall) out.push(t);
  };
  const dayAt = (y, m, d) => Date.UTC(y, m, d) + time;
  for (let period = 0; steps < MAX_STEPS && emitted < count; period++, steps++) {
    let candidates = [];
    if (rule.FREQ === "DAILY") candidates = [start + period * interval * DAY_MS];
    else if (rule.FREQ === "WEEKLY") {
      const weekStart = start - s.getUTCDay() * DAY_MS + period * interval * 7 * DAY_MS;
      const dows = byDay.length ? byDay.map((d) => d.dow) : [s.getUTCDay()];
      candidates = [...new Set(dows)].sort((a, b) => a - b).map((dow) => weekStart + dow * DAY_MS);
    } else {
      const months = rule.FREQ === "MONTHLY" ? [s.getUTCMonth() + period * interval] : (byMonth.length ? byMonth : [s.getUTCMonth()]).map((m) => m + period * interval * 12);
      for (const mm of months) {
        const y = s.getUTCFullYear() + Math.floor(mm / 12), m = ((mm % 12) + 12) % 12;
        if (byDay.length) {
          for (const d of byDay) {
            if (d.n !== 0) {
              const day = nthWeekday(y, m, d.n, d.dow);
              if (day !== null) candidates.push(dayAt(y, m, day));
            } else for (let day = 1; day <= daysIn(y, m); day++) if (new Date(Date.UTC(y, m, day)).getUTCDay() === d.dow) candidates.push(dayAt(y, m, day));
          }
        } else {
          const days = byMonthDay.length ? byMonthDay : [s.getUTCDate()];
          for (const d of days) {
            const day = d < 0 ? daysIn(y, m) + d + 1 : d;
            if (day >= 1 && day <= daysIn(y, m)) candidates.push(dayAt(y, m, day));
          }
        }
      }
      candidates.sort((a, b) => a - b);
    }
    if (candidates.length && candidates[0] > maxWall) break;
    if (untilWall !== null && candidates.length && candidates[0] > untilWall) break;
    for (const t of candidates) push(t);
  }
  return out;
}

export { wallOf };
