// A skill may import only its own folder, so calendar_read and calendar_modify each carry the
// CalDAV, iCalendar, time-zone and date helpers. The copies must not drift apart.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

test.each(["caldav.js", "ical.js", "tz.js", "when.js"])("%s is byte-identical in calendar_read and calendar_modify", (f) => {
  const read = readFileSync(join(import.meta.dir, "calendar_read", f));
  const modify = readFileSync(join(import.meta.dir, "calendar_modify", f));
  if (!read.equals(modify)) {
    throw new Error(`skills/builtin/calendar_read/${f} and skills/builtin/calendar_modify/${f} differ: after changing one, copy it over the other (skills cannot import each other's files)`);
  }
  expect(read.equals(modify)).toBe(true);
});
