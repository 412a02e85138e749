// A day's notes (daily/YYYY-MM-DD.md): a title, then one timestamped bullet per note, in the
// user's local time. Lines after the first are indented so they stay inside their bullet.
//
//   # 2026-01-28
//
//   - 10:30 Booked the dentist for Friday
import { fail } from "../runtime/contracts/errors.ts";
import { isoDate } from "./paths.ts";

const MAX_NOTE = 4000;

export function newDaily(date: Date): string {
  return `# ${isoDate(date)}\n`;
}

export function appendNote(daily: string, text: string, at: Date): string {
  const body = text.replace(/\r\n?/g, "\n").trim();
  if (body === "") fail("invalid_input", "memory: the note is empty", "write what happened in a sentence or two");
  if (body.length > MAX_NOTE) fail("invalid_input", `memory: the note is too long (${body.length} characters, at most ${MAX_NOTE})`);
  const time = `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
  const bullet = `- ${time} ` + body.split("\n").join("\n  ");
  // A blank line after the title, none between bullets: one list.
  // (?<!\n): a plain /\n+$/ is retried at every newline of a long run (quadratic).
  const base = daily.replace(/(?<!\n)\n+$/, "");
  const last = base.slice(base.lastIndexOf("\n") + 1);
  return base + (/^(- |  )/.test(last) ? "\n" : "\n\n") + bullet + "\n";
}
