// RRULE expansion (RFC 5545 §3.3.10) in wall time, done the way python-dateutil does it: each
// period of the rule (a day, a week from WKST, a month, a year; INTERVAL apart) is a set of days,
// every BY* part keeps only the days it names (so it "expands" or "limits" exactly as the RFC's
// table says for that FREQ), BYHOUR/BYMINUTE/BYSECOND give the times of day, and BYSETPOS picks
// from the period's sorted set. DTSTART always counts as the first occurrence (§3.3.10). Rules
// this cannot honour (HOURLY and finer, RSCALE, bad values) are reported with the part at fault.
import { daysIn } from "./tz.js";

const DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
const DAY_MS = 86400000;
const FREQS = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];
const KNOWN = new Set(["FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"]);
/** Days examined at most, so a rule that never matches, or a long COUNT, cannot run away. */
const MAX_DAYS = 100000;

export function parseRule(text) {
  const rule = {};
  for (const kv of String(text).split(";")) {
    const [k, v] = kv.split("=");
    if (k && v !== undefined) rule[k.trim().toUpperCase()] = v.trim().toUpperCase();
  }
  return rule;
}

/** A comma list of integers in [lo, hi] (also negative when `signed`, never 0 then); null if malformed. */
function ints(text, lo, hi, signed) {
  if (text === undefined) return [];
  const out = [];
  for (const s of text.split(",")) {
    const n = Number(s);
    if (!/^[+-]?\d{1,3}$/.test(s) || (signed ? n === 0 || Math.abs(n) > hi : n < lo || n > hi)) return null;
    out.push(n);
  }
  return out;
}

/** The rule in a form the expansion uses, with RFC 5545's defaults from DTSTART, or `{ problem }`. */
export function compileRule(rule, start) {
  if (!FREQS.includes(rule.FREQ)) return { problem: `FREQ=${rule.FREQ ?? "(missing)"}` };
  const unknown = Object.keys(rule).find((k) => !KNOWN.has(k));
  if (unknown) return { problem: unknown };
  const bad = (k) => ({ problem: `${k}=${rule[k]}` });
  if (rule.INTERVAL !== undefined && !/^[1-9]\d{0,3}$/.test(rule.INTERVAL)) return bad("INTERVAL");
  if (rule.COUNT !== undefined && !/^[1-9]\d{0,5}$/.test(rule.COUNT)) return bad("COUNT");
  if (rule.UNTIL !== undefined && !/^\d{8}(T\d{6}Z?)?$/.test(rule.UNTIL)) return bad("UNTIL");
  const wkst = rule.WKST === undefined ? 1 : DAYS.indexOf(rule.WKST);
  if (wkst < 0) return bad("WKST");
  const lists = {};
  for (const [k, lo, hi, signed] of [
    ["BYMONTH", 1, 12, false], ["BYWEEKNO", 1, 53, true], ["BYYEARDAY", 1, 366, true], ["BYMONTHDAY", 1, 31, true],
    ["BYHOUR", 0, 23, false], ["BYMINUTE", 0, 59, false], ["BYSECOND", 0, 59, false], ["BYSETPOS", 1, 366, true],
  ]) {
    const v = ints(rule[k], lo, hi, signed);
    if (v === null) return bad(k);
    lists[k] = v;
  }
  const plainDays = new Set(), nthDays = [];
  for (const d of rule.BYDAY === undefined ? [] : rule.BYDAY.split(",")) {
    const m = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(d);
    const n = m && m[1] ? Number(m[1]) : 0;
    if (!m || (m[1] && (n === 0 || Math.abs(n) > 53))) return bad("BYDAY");
    // An ordinal means something only within a month or a year; dateutil ignores it otherwise.
    if (n === 0 || rule.FREQ === "DAILY" || rule.FREQ === "WEEKLY") plainDays.add(DAYS.indexOf(m[2]));
    else nthDays.push({ n, dow: DAYS.indexOf(m[2]) });
  }
  const s = new Date(start);
  const months = lists.BYMONTH.slice();
  const monthDays = lists.BYMONTHDAY.slice();
  if (!rule.BYDAY && !rule.BYMONTHDAY && !rule.BYYEARDAY && !rule.BYWEEKNO) {
    if (rule.FREQ === "YEARLY") {
      if (!months.length) months.push(s.getUTCMonth() + 1);
      monthDays.push(s.getUTCDate());
    } else if (rule.FREQ === "MONTHLY") monthDays.push(s.getUTCDate());
    else if (rule.FREQ === "WEEKLY") plainDays.add(s.getUTCDay());
  }
  const of = (list, v) => (list.length ? list : [v]);
  const times = [];
  for (const h of of(lists.BYHOUR, s.getUTCHours())) for (const mi of of(lists.BYMINUTE, s.getUTCMinutes())) for (const se of of(lists.BYSECOND, s.getUTCSeconds())) times.push(((h * 60 + mi) * 60 + se) * 1000);
  return {
    freq: rule.FREQ,
    interval: Number(rule.INTERVAL ?? 1),
    count: rule.COUNT ? Number(rule.COUNT) : Infinity,
    wkst,
    months: months.length ? new Set(months) : null,
    weekNos: lists.BYWEEKNO,
    yearDays: lists.BYYEARDAY,
    monthDays,
    plainDays,
    nthDays,
    nthInMonth: rule.FREQ === "MONTHLY" || months.length > 0,
    times: [...new Set(times)].sort((a, b) => a - b),
    setPos: lists.BYSETPOS,
  };
}

const yearLength = (y) => (daysIn(y, 1) === 29 ? 366 : 365);

/** Midnight (wall ms) of the first day of week 1 of year `y`: the first week with 4 of its days in y. */
function week1(y, wkst) {
  const jan1 = Date.UTC(y, 0, 1);
  const before = (new Date(jan1).getUTCDay() - wkst + 7) % 7;
  return before <= 3 ? jan1 - before * DAY_MS : jan1 + (7 - before) * DAY_MS;
}

function weekNoMatches(c, day, y) {
  let start = week1(y, c.wkst), next = week1(y + 1, c.wkst);
  if (day < start) [next, start] = [start, week1(y - 1, c.wkst)];
  else if (day >= next) [start, next] = [next, week1(y + 2, c.wkst)];
  const no = Math.floor((day - start) / (7 * DAY_MS)) + 1, weeks = (next - start) / (7 * DAY_MS);
  return c.weekNos.some((w) => w === no || w === no - weeks - 1);
}

/** Whether a day (midnight, wall ms) passes every BY* part that names days. */
function keeps(c, day) {
  const d = new Date(day);
  const y = d.getUTCFullYear(), m = d.getUTCMonth(), md = d.getUTCDate(), dow = d.getUTCDay();
  if (c.months && !c.months.has(m + 1)) return false;
  const mlen = daysIn(y, m), ylen = yearLength(y), doy = Math.round((day - Date.UTC(y, 0, 1)) / DAY_MS) + 1;
  if (c.monthDays.length && !c.monthDays.some((x) => x === md || x === md - mlen - 1)) return false;
  if (c.yearDays.length && !c.yearDays.some((x) => x === doy || x === doy - ylen - 1)) return false;
  if (c.weekNos.length && !weekNoMatches(c, day, y)) return false;
  if (!c.plainDays.size && !c.nthDays.length) return true;
  if (c.plainDays.has(dow)) return true;
  // The nth weekday counts within the month (MONTHLY, or YEARLY with BYMONTH), else within the year.
  const [i, len] = c.nthInMonth ? [md - 1, mlen] : [doy - 1, ylen];
  const fromStart = Math.floor(i / 7) + 1, fromEnd = -(Math.floor((len - 1 - i) / 7) + 1);
  return c.nthDays.some((x) => x.dow === dow && (x.n === fromStart || x.n === fromEnd));
}

/** Period k's days as [first midnight, number of days] runs. */
function periodRuns(c, k, s) {
  const y0 = s.getUTCFullYear(), m0 = s.getUTCMonth();
  const day0 = Date.UTC(y0, m0, s.getUTCDate());
  if (c.freq === "DAILY") return [[day0 + k * c.interval * DAY_MS, 1]];
  if (c.freq === "WEEKLY") return [[day0 - ((s.getUTCDay() - c.wkst + 7) % 7) * DAY_MS + k * c.interval * 7 * DAY_MS, 7]];
  if (c.freq === "MONTHLY") {
    const mm = m0 + k * c.interval;
    return [[Date.UTC(y0, mm, 1), daysIn(y0 + Math.floor(mm / 12), ((mm % 12) + 12) % 12)]];
  }
  const y = y0 + k * c.interval;
  if (!c.months) return [[Date.UTC(y, 0, 1), yearLength(y)]];
  return [...c.months].sort((a, b) => a - b).map((m) => [Date.UTC(y, m - 1, 1), daysIn(y, m - 1)]);
}

/** The first period that can reach `minWall` (one early, to be safe); 0 when COUNT needs them all. */
function firstPeriod(c, s, minWall) {
  if (c.count !== Infinity || !(minWall > s.getTime())) return 0;
  const m = new Date(minWall);
  const span = c.freq === "DAILY" ? (minWall - s.getTime()) / DAY_MS
    : c.freq === "WEEKLY" ? (minWall - s.getTime()) / (7 * DAY_MS)
    : c.freq === "MONTHLY" ? (m.getUTCFullYear() - s.getUTCFullYear()) * 12 + m.getUTCMonth() - s.getUTCMonth()
    : m.getUTCFullYear() - s.getUTCFullYear();
  return Math.max(0, Math.floor(span / c.interval) - 1);
}

function pick(set, positions) {
  const chosen = new Set();
  for (const p of positions) {
    const t = set[p > 0 ? p - 1 : set.length + p];
    if (t !== undefined) chosen.add(t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * Occurrence starts (wall ms) of a series from `start`, in order, those in [minWall, maxWall].
 * `pastUntil(wall)` says whether a wall time is after the rule's UNTIL (the caller knows the
 * zone, so a UTC UNTIL is compared as an instant). `problem` names what could not be expanded;
 * then `starts` holds what is known (at least DTSTART).
 */
export function expandSeries(start, rule, { pastUntil = null, minWall = -Infinity, maxWall }) {
  const out = [];
  if (pastUntil && pastUntil(start)) return { starts: out, problem: null };
  if (start >= minWall && start <= maxWall) out.push(start);
  const c = compileRule(rule, start);
  if (c.problem) return { starts: out, problem: c.problem };
  const s = new Date(start);
  let emitted = 1, examined = 0;
  for (let k = firstPeriod(c, s, minWall); emitted < c.count; k++) {
    const runs = periodRuns(c, k, s);
    if (runs[0][0] > maxWall || (pastUntil && pastUntil(runs[0][0]))) break;
    const days = [];
    for (const [first, n] of runs) {
      examined += n;
      for (let i = 0; i < n; i++) if (keeps(c, first + i * DAY_MS)) days.push(first + i * DAY_MS);
    }
    if (examined > MAX_DAYS) return { starts: out, problem: `more than ${MAX_DAYS} days to examine` };
    let set = days.flatMap((d) => c.times.map((t) => d + t));
    if (c.setPos.length) set = pick(set, c.setPos);
    for (const t of set) {
      if (t <= start) continue;
      if (t > maxWall || (pastUntil && pastUntil(t))) return { starts: out, problem: null };
      if (t >= minWall) out.push(t);
      if (++emitted >= c.count) break;
    }
  }
  return { starts: out, problem: null };
}

/** Occurrence starts (wall ms) up to `maxWall`; `untilWall` is UNTIL as a wall time, or null. */
export function expand(start, rule, untilWall, maxWall) {
  return expandSeries(start, rule, { pastUntil: untilWall === null ? null : (t) => t > untilWall, maxWall }).starts;
}
