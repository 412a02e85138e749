// One conversation's browser state: a BrowserContext (its own cookies and storage) with one
// page, and the guard judging that page's requests under the latest call's policy.
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { ServiceCall } from "../../sandbox/types.ts";
import { ServiceError, firstLine } from "../service-error.ts";
import { guardRequests, type Blocked, type GuardState } from "./request-guard.ts";

export const VIEWPORT = { width: 1280, height: 720 };
/** Largest text handed back by text(). */
export const MAX_TEXT_CHARS = 100_000;

export interface PageInfo {
  url: string;
  title: string;
  status?: number;
  /** URLs of the page's requests the policy refused during this call (capped). */
  blocked: string[];
  /** The refusals themselves, for the call's audit entry. */
  denials: { kind: string; value?: string; rule: string }[];
}

export class BrowserSession {
  #context?: BrowserContext;
  #page?: Page;
  readonly state: GuardState;
  lastUsed = Date.now();

  constructor(call: ServiceCall) {
    this.state = { call, approved: new Set(), blocked: [], failures: [] };
  }

  /** Takes the call's policy for the page's next requests; returns where this call's refusals start. */
  begin(call: ServiceCall, approved: string[]): number {
    this.state.call = call;
    for (const v of approved) this.state.approved.add(v);
    this.lastUsed = Date.now();
    return this.state.blocked.length;
  }

  get open(): boolean {
    return this.#page !== undefined && !this.#page.isClosed();
  }

  async page(browser: Browser): Promise<Page> {
    if (this.#page && !this.#page.isClosed()) return this.#page;
    if (!this.#context) {
      // Service workers could fetch outside route(); downloads would write to the host's disk.
      const context = await browser.newContext({ viewport: VIEWPORT, serviceWorkers: "block", acceptDownloads: false });
      this.#context = context;
      await guardRequests(context, this.state);
    }
    this.#page = await this.#context.newPage();
    return this.#page;
  }

  existingPage(): Page {
    if (!this.#page || this.#page.isClosed()) {
      throw new ServiceError("browser: no page is open in this conversation; call browser.open(url) first", "invalid_params");
    }
    return this.#page;
  }

  async goto(page: Page, url: string, since: number, deadline: number): Promise<PageInfo> {
    let status: number | undefined;
    try {
      const res = await page.goto(url, { timeout: remaining(deadline), waitUntil: "load" });
      status = res?.status();
    } catch (err) {
      const refused = this.state.blocked.slice(since).find((b) => b.navigation);
      if (refused) throw new ServiceError(refused.decision.reason, "permission_denied", { request: refused.request, decision: refused.decision });
      throw actionError("goto", err);
    }
    return this.info(page, since, status);
  }

  async info(page: Page, since: number, status?: number): Promise<PageInfo> {
    const refused = this.state.blocked.slice(since);
    const info: PageInfo = {
      url: page.url(),
      title: await page.title().catch(() => ""),
      blocked: refused.slice(0, 20).map((b) => b.url),
      denials: refused.slice(0, 20).map(denialOf),
    };
    if (status !== undefined) info.status = status;
    return info;
  }

  async close(): Promise<boolean> {
    const had = this.#context !== undefined;
    const context = this.#context;
    this.#context = undefined;
    this.#page = undefined;
    await context?.close().catch(() => {});
    return had;
  }
}

function denialOf(b: Blocked): PageInfo["denials"][number] {
  return b.request.value === undefined ? { kind: b.request.kind, rule: b.decision.rule } : { kind: b.request.kind, value: b.request.value, rule: b.decision.rule };
}

/** Milliseconds left before the call's deadline, keeping a margin to answer in. */
export function remaining(deadline: number): number {
  const ms = deadline - Date.now() - 150;
  if (ms <= 0) throw new ServiceError("browser: the call has no time left", "timeout");
  return ms;
}

export function actionError(action: string, err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  const name = (err as { name?: string })?.name;
  if (name === "TimeoutError") return new ServiceError(`browser.${action}: did not finish before the call's time limit (${firstLine(err, 160)})`, "timeout");
  return new ServiceError(`browser.${action}: ${firstLine(err)}`);
}
