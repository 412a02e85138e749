// console.* output captured from a skill. Capped by lines and bytes so a chatty or hostile
// skill cannot grow the outcome (or the worker) without bound; the cut is noted once.

export const MAX_LOG_LINES = 200;
export const MAX_LOG_CHARS = 64 * 1024;

export class LogSink {
  readonly lines: string[] = [];
  private chars = 0;
  private dropped = 0;

  add(level: string, line: string): void {
    if (this.lines.length >= MAX_LOG_LINES || this.chars + line.length > MAX_LOG_CHARS) {
      this.dropped++;
      return;
    }
    const text = level === "log" || level === "info" ? line : `[${level}] ${line}`;
    this.lines.push(text);
    this.chars += text.length;
  }

  /** The captured lines, with a note when some were dropped. */
  result(): string[] {
    return this.dropped === 0 ? this.lines : [...this.lines, `[${this.dropped} more log lines dropped]`];
  }
}
