// The prompt-injection guard. Once a turn has taken in content nobody vouches for (a web page,
// an email, a file from outside, someone else's message), the model's next choices may be the
// attacker's: every tool with side effects then needs a person's confirmation for the rest of
// the turn, even where the policy allows it without.
export interface GuardOptions {
  enabled: boolean;
  /** Tools whose output is untrusted content. */
  untrusted: string[];
  /** Tools that change something outside the conversation. */
  sideEffects: string[];
}

export const DEFAULT_GUARD: GuardOptions = {
  enabled: true,
  untrusted: ["web_fetch", "browser_control", "email_read", "email_list", "email_search", "file_read", "calendar_read", "memory_search"],
  sideEffects: ["shell_execute", "file_write", "email_send", "calendar_modify", "browser_control"],
};

export interface ToolClass {
  untrustedOutput: boolean;
  sideEffects: boolean;
}

/** The one place a tool is classified (a manifest may declare this later; add it here). */
export function classifyTool(name: string, guard: GuardOptions): ToolClass {
  return { untrustedOutput: guard.untrusted.includes(name), sideEffects: guard.sideEffects.includes(name) };
}

/** Per-turn state: which untrusted tool first tainted the turn, if any. */
export class TurnGuard {
  readonly #opts: GuardOptions;
  #taintedBy: string | null = null;

  constructor(opts: GuardOptions) {
    this.#opts = opts;
  }

  /** The turn's own input is untrusted (`what` names it). */
  taint(what: string): void {
    this.#taintedBy ??= what;
  }

  /** Call after a tool returned successfully. */
  observe(tool: string): void {
    if (this.#taintedBy === null && classifyTool(tool, this.#opts).untrustedOutput) this.#taintedBy = tool;
  }

  /** Why `tool` needs confirmation now, or null if the guard does not require it. */
  reasonFor(tool: string): string | null {
    if (!this.#opts.enabled || this.#taintedBy === null || !classifyTool(tool, this.#opts).sideEffects) return null;
    return `prompt-injection guard: this turn read untrusted content (${this.#taintedBy}), so ${tool} needs your confirmation even though the policy allows it`;
  }
}

export function guardOptions(partial: Partial<GuardOptions> | undefined): GuardOptions {
  return { ...DEFAULT_GUARD, ...partial };
}
