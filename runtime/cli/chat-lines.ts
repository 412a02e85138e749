// The terminal's lines for `moltbot chat`: the "you>" prompt and approval questions read from one
// place, so a question can be withdrawn (it expired, was answered elsewhere, the turn ended)
// without the next line the user types going to it. Lines typed while nothing is asked wait
// for the next read (type-ahead).
import { createInterface, type Interface } from "node:readline";

export class ChatLines {
  readonly rl: Interface;
  private readonly queued: string[] = [];
  private waiter: ((line: string | null) => void) | null = null;
  private ended = false;
  /** Sees each line first; true keeps it from any read (e.g. /stop while an answer streams). */
  intercept?: (line: string) => boolean;

  constructor() {
    this.rl = createInterface({ input: process.stdin, output: process.stdout, terminal: Boolean(process.stdin.isTTY) });
    this.rl.on("line", (line) => {
      if (this.intercept?.(line)) return;
      if (this.waiter) this.settle(line);
      else this.queued.push(line);
    });
    this.rl.on("close", () => ((this.ended = true), this.settle(null)));
  }

  /** Shows `prompt`, then the next line; null at the end of input or when withdrawn. */
  read(prompt: string): Promise<string | null> {
    if (this.ended && this.queued.length === 0) return Promise.resolve(null);
    this.rl.setPrompt(prompt);
    this.rl.prompt();
    if (this.queued.length > 0) return Promise.resolve(this.queued.shift()!);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Ends the read in progress (it resolves null) and forgets what was typed on that line so far. */
  withdraw(): void {
    if (!this.waiter) return;
    if (this.rl.terminal) {
      this.rl.write(null, { ctrl: true, name: "e" });
      this.rl.write(null, { ctrl: true, name: "u" });
    }
    this.settle(null);
  }

  close(): void {
    this.rl.close();
  }

  private settle(line: string | null): void {
    const w = this.waiter;
    this.waiter = null;
    w?.(line);
  }
}
