// calendar_read: the events in a time range of a CalDAV calendar, recurrences expanded, times
// in the user's UTC offset. Event text is untrusted (anyone can send an invitation).
import { calendarUrl, queryRange } from "./caldav.js";
import { occurrences } from "./events.js";
import { offsetOf, rangeOf, show } from "./when.js";

const MAX_EVENTS = 200;
/**
 * Servers compare floating and all-day times as if they were UTC, so an event late in the user's
 * day can fall outside the range asked of the server; it is asked for 14 hours (the largest UTC
 * offset) more on each side, and `occurrences` keeps exactly the user's range.
 */
const SERVER_SLACK = 14 * 3600000;

/** One summary line: times in the user's offset, the end's date when it is another day. */
function line(e) {
  let when;
  if (e.allDay) when = `${e.start}${e.end !== e.start ? `–${e.end}` : ""} (all day)`;
  else {
    const [day, time] = [e.start.slice(0, 10), e.start.slice(11, 16)];
    const endDay = e.end.slice(0, 10);
    when = `${day} ${time}–${endDay === day ? "" : `${endDay} `}${e.end.slice(11, 16)}`;
  }
  // Marks go before the title, which is untrusted text and could imitate them after it.
  const marks = `${e.status === "CANCELLED" ? "(cancelled) " : ""}${e.note ? "(recurrence not fully expanded) " : ""}`;
  return `- ${when} ${marks}${e.summary}${e.location ? ` @ ${e.location}` : ""}`;
}

export default async ({ calendar_url, date, days = 1, from, to, utc_offset }) => {
  const url = calendarUrl(calendar_url);
  const offset = offsetOf(utc_offset);
  const [a, b] = rangeOf({ from, to, date, days }, offset);
  const all = occurrences(await queryRange(url, a - SERVER_SLACK, b + SERVER_SLACK), a, b, offset);
  const events = all.slice(0, MAX_EVENTS).map(({ startMs, endMs, ...e }) => ({
    ...e,
    start: show(startMs, offset, e.allDay),
    end: show(e.allDay ? endMs - 1 : endMs, offset, e.allDay),
  }));
  const range = `${show(a, offset, false)} to ${show(b, offset, false)}`;
  const out = {
    summary: events.length ? `${events.length} event${events.length === 1 ? "" : "s"} from ${range}:\n${events.map(line).join("\n")}` : `No events from ${range}`,
    from: show(a, offset, false),
    to: show(b, offset, false),
    events,
    untrusted: true,
  };
  if (all.length > MAX_EVENTS) out.truncated = { shown: MAX_EVENTS, total: all.length, unit: "items" };
  return out;
};
