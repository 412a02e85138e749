// calendar_read: the events in a time range of a CalDAV calendar, recurrences expanded, times
// in the user's UTC offset. Event text is untrusted (anyone can send an invitation).
import { calendarUrl, queryRange } from "./caldav.js";
import { occurrences } from "./events.js";
import { offsetOf, rangeOf, show } from "./when.js";

const MAX_EVENTS = 200;

export default async ({ calendar_url, date, days = 1, from, to, utc_offset }) => {
  const url = calendarUrl(calendar_url);
  const offset = offsetOf(utc_offset);
  const [a, b] = rangeOf({ from, to, date, days }, offset);
  const all = occurrences(await queryRange(url, a, b), a, b, offset);
  const events = all.slice(0, MAX_EVENTS).map(({ startMs, endMs, ...e }) => ({
    ...e,
    start: show(startMs, offset, e.allDay),
    end: show(e.allDay ? endMs - 1 : endMs, offset, e.allDay),
  }));
  const range = `${show(a, offset, false)} to ${show(b, offset, false)}`;
  const lines = events.map((e) => `- ${e.allDay ? `${e.start} (all day)` : `${e.start.slice(0, 16).replace("T", " ")}–${e.end.slice(11, 16)}`} ${e.summary}${e.location ? ` @ ${e.location}` : ""}`);
  const out = {
    summary: events.length ? `${events.length} event${events.length === 1 ? "" : "s"} from ${range}:\n${lines.join("\n")}` : `No events from ${range}`,
    from: show(a, offset, false),
    to: show(b, offset, false),
    events,
    untrusted: true,
  };
  if (all.length > MAX_EVENTS) out.truncated = { shown: MAX_EVENTS, total: all.length, unit: "items" };
  return out;
};
