// A session's transcript (sessions/<id>.md): one section per message.
//
//   # Session: telegram:123
//
//   ### user · 2026-01-28T10:30:00Z · telegram:123
//   What's the weather in Oslo?
//
//   ### assistant · 2026-01-28T10:30:05Z
//   Cloudy, 4 °C.
//
// The transcript is replayed to the model on restart, so a message must never be able to forge
// another: a text line that starts with "###" is written as "\###" (Markdown's own escape, so it
// still renders as written) and unescaped on reading.

export type Role = "user" | "assistant" | "tool";
export const ROLES: readonly Role[] = ["user", "assistant", "tool"];

export interface TranscriptEntry {
  role: Role;
  text: string;
  at: Date;
  user?: string;
}

const HEADER = /^### (user|assistant|tool) · (\S+)(?: · (.+))?$/;

export function newTranscript(session: string): string {
  return `# Session: ${session}\n`;
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function formatEntry(e: TranscriptEntry): string {
  const who = e.user ? ` · ${e.user.replace(/\s+/g, " ")}` : "";
  const text = e.text.replace(/\r\n?/g, "\n").split("\n").map((l) => (/^\\*###/.test(l) ? "\\" + l : l)).join("\n");
  return `### ${e.role} · ${isoSeconds(e.at)}${who}\n${text}\n`;
}

/** Appends one entry, keeping one blank line between sections. */
export function appendEntry(transcript: string, e: TranscriptEntry): string {
  // (?<!\n) lets the match start only where a run of newlines starts: a plain /\n*$/ is retried
  // at every newline of a long run, quadratic in one message of 40 000 blank lines.
  return transcript.replace(/(?<!\n)\n*$/, "\n\n") + formatEntry(e);
}

export function parseTranscript(text: string): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  let cur: { entry: TranscriptEntry; lines: string[] } | null = null;
  const finish = () => {
    if (!cur) return;
    cur.entry.text = cur.lines.join("\n").replace(/(?<!\n)\n+$/, ""); // linear, see appendEntry
    out.push(cur.entry);
  };
  for (const line of text.split("\n")) {
    const m = HEADER.exec(line);
    const at = m ? new Date(m[2]!) : null;
    if (m && at && !Number.isNaN(at.getTime())) {
      finish();
      const entry: TranscriptEntry = { role: m[1] as Role, text: "", at };
      if (m[3]) entry.user = m[3];
      cur = { entry, lines: [] };
    } else if (cur) {
      cur.lines.push(/^\\+###/.test(line) ? line.slice(1) : line);
    }
  }
  finish();
  return out;
}
