// A user's profile (users/<id>.md): a title, then bullet facts under "##" headings.
//
//   # Profile: telegram:123
//
//   ## Facts
//   - Has a dog called Rex
//
//   ## Preferences
//   - Short answers
//
// People edit these files by hand, so parsing is tolerant: any "## " line starts a section,
// any "- " or "* " line inside one is a fact, everything else is kept as it is.
import { fail } from "../runtime/contracts/errors.ts";

export const DEFAULT_SECTION = "Facts";
/** A fact is one bullet, one sentence or so; longer text belongs in a daily note. */
export const MAX_FACT = 1000;
export const MAX_SECTION = 60;

export function newProfile(user: string): string {
  return `# Profile: ${user}\n`;
}

/** One line of text, or invalid_input: a fact is a single bullet. */
export function cleanFact(fact: string): string {
  const one = fact.replace(/\s+/g, " ").trim();
  if (one === "") fail("invalid_input", "memory: the fact is empty", "write the fact as one short sentence");
  if (one.length > MAX_FACT) fail("invalid_input", `memory: the fact is too long (${one.length} characters, at most ${MAX_FACT})`, "keep facts to one sentence");
  return one;
}

export function cleanSection(section: string | undefined): string {
  const name = (section ?? DEFAULT_SECTION).replace(/\s+/g, " ").replace(/^#+/, "").trim();
  if (name === "" || name.length > MAX_SECTION) fail("invalid_input", `memory: the section name must be 1 to ${MAX_SECTION} characters`, `e.g. "${DEFAULT_SECTION}" or "Preferences"`);
  return name;
}

/** The name under which a fact for `section` is filed: an existing heading of any case, or the name. */
export function sectionIn(profile: string, section: string): string {
  const lines = profile.split("\n");
  const heading = findHeading(lines, section);
  return heading === -1 ? section : headingName(lines[heading]!);
}

/** Adds "- fact" at the end of the section (created if missing); unchanged if already there. */
export function addFactTo(profile: string, fact: string, section: string): string {
  // (?<!\n): a plain /\n+$/ is retried at every newline of a long run (quadratic).
  const lines = profile.replace(/(?<!\n)\n+$/, "").split("\n");
  const heading = findHeading(lines, section);
  if (heading === -1) return [...lines, "", `## ${section}`, `- ${fact}`].join("\n") + "\n";
  let end = lines.findIndex((l, i) => i > heading && /^#{1,2}\s/.test(l));
  if (end === -1) end = lines.length;
  const body = lines.slice(heading + 1, end);
  if (body.some((l) => bullet(l) === fact)) return profile;
  let last = end;
  while (last > heading + 1 && lines[last - 1]!.trim() === "") last--;
  lines.splice(last, 0, `- ${fact}`);
  return lines.join("\n") + "\n";
}

function findHeading(lines: string[], section: string): number {
  return lines.findIndex((l) => /^##\s/.test(l) && headingName(l).toLowerCase() === section.toLowerCase());
}

function headingName(line: string): string {
  return line.replace(/^##\s+/, "").trim();
}

function bullet(line: string): string | null {
  // [^]* and not .*: "." stops at \r and U+2028, so such a line failed to match only after
  // trying every split of the spaces before it (quadratic), and a CRLF file had no facts at all.
  const m = /^\s*[-*]\s+([^]*)$/.exec(line);
  return m ? m[1]!.trim() : null;
}

/** The facts of a profile, by section, in file order. */
export function parseProfile(profile: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let current: string | null = null;
  for (const line of profile.split("\n")) {
    if (/^##\s/.test(line)) {
      current = line.replace(/^##\s+/, "").trim();
      out[current] ??= [];
    } else if (/^#\s/.test(line)) {
      current = null;
    } else if (current !== null) {
      const fact = bullet(line);
      if (fact) out[current]!.push(fact);
    }
  }
  return out;
}
