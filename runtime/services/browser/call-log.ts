// What the page's requests came to during one browser call: the refusals (for `blocked` and the
// call's audit entry) and how the top frame's navigation ended, for goto's error message. Kept
// per call, so a page that provokes refusals in a loop costs a count, not a growing list.
import type { PermissionDecision, PermissionRequest } from "../../contracts/permissions.ts";
import { MAX_DENIALS_LISTED } from "../../contracts/sandbox.ts";

/** A page request refused by the policy. */
export interface Blocked {
  url: string;
  navigation: boolean;
  request: PermissionRequest;
  decision: PermissionDecision;
}

/** A page request that failed for another reason (unreachable, too slow, too large). */
export interface Failed {
  url: string;
  message: string;
  /** It ran out of the time one page request may take. */
  timedOut: boolean;
}

export type Denial = { kind: string; value?: string; rule: string; times?: number };

/** Refused URLs handed to the skill in `blocked`; `blockedTotal` counts them all. */
export const BLOCKED_URLS_SHOWN = 20;

export class CallLog {
  /** The first refusals, as many as the audit lists before its last place (the newest). */
  readonly #first: Blocked[] = [];
  #newest?: Blocked;
  #count = 0;
  navigationRefused?: Blocked;
  navigationFailed?: Failed;

  refused(b: Blocked): void {
    this.#count++;
    if (this.#first.length < MAX_DENIALS_LISTED - 1) this.#first.push(b);
    else this.#newest = b;
    if (b.navigation) this.navigationRefused ??= b;
  }

  failed(f: Failed, navigation: boolean): void {
    if (navigation) this.navigationFailed ??= f;
  }

  get blockedTotal(): number {
    return this.#count;
  }

  blockedUrls(): string[] {
    return this.#first.slice(0, BLOCKED_URLS_SHOWN).map((b) => b.url);
  }

  /**
   * The refusals as the audit lists them: the first ones, then the newest standing for every
   * refusal not listed (`times`), so the host counts them all (denials_omitted) from a list of at
   * most MAX_DENIALS_LISTED.
   */
  denials(): Denial[] {
    const listed = this.#first.map(denialOf);
    if (!this.#newest) return listed;
    return [...listed, { ...denialOf(this.#newest), times: this.#count - listed.length }];
  }
}

function denialOf(b: Blocked): Denial {
  return b.request.value === undefined ? { kind: b.request.kind, rule: b.decision.rule } : { kind: b.request.kind, value: b.request.value, rule: b.decision.rule };
}
