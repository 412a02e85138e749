// One conversation's browser state: a BrowserContext (its own cookies and storage) with one
// page, and the guard judging that page's requests under the latest call's policy.
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { ServiceCall } from "../../sandbox/types.ts";
import { ServiceError, firstLine } from "../service-error.ts";
import { CallLog, type Denial } from "./call-log.ts";
import { guardRequests, REQUEST_MS, type GuardState } from "./request-guard.ts";

export const VIEWPORT = { width: 1280, height: 720 };
/** Largest text handed back by text(). */
export const MAX_TEXT_CHARS = 100_000;

export interface PageInfo {
  url: string;
  title: string;
  status?: number;
  /** URLs of the page's requests the policy refused during this call (the first 20). */
  blocked: string[];
  /** How many the policy refused during this call. */
  blockedTotal: number;
  /** The refusals themselves, for the call's audit entry (see CallLog.denials). */
  denials: Denial[];
}

export class BrowserSession {
  #context?: BrowserContext;
  #page?: Page;
  readonly state: GuardState;
  lastUsed = Date.now();

  constructor(call: ServiceCall) {
    this.state = { call, approved: new Set(), logs: new Set() };
  }

  /** Takes the call's policy for the page's next requests; returns the log of what they come to
   *  until `end`. */
  begin(call: ServiceCall, approved: string[]): CallLog {
    this.state.call = call;
    for (const v of approved) this.state.approved.add(v);
    this.lastUsed = Date.now();
    const log = new CallLog();
    this.state.logs.add(log);
    return log;
  }

  end(log: CallLog): void {
    this.state.logs.delete(log);
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

  async goto(page: Page, url: string, log: CallLog, deadline: number): Promise<PageInfo> {
    let status: number | undefined;
    try {
      const res = await page.goto(url, { timeout: remaining(deadline), waitUntil: "load" });
      status = res?.status();
    } catch (err) {
      // Chromium only says the request was aborted; the guard knows why.
      const refused = log.navigationRefused;
      if (refused) throw new ServiceError(refused.decision.reason, "permission_denied", { request: refused.request, decision: refused.decision });
      const failed = log.navigationFailed;
      if (failed?.timedOut) throw new ServiceError(`browser.goto: ${failed.url} did not answer within ${REQUEST_MS / 1000} s, the time one page request may take`, "timeout");
      if (failed) throw new ServiceError(`browser.goto: ${failed.url}: ${failed.message}`);
      throw actionError("goto", err);
    }
    return this.info(page, log, status);
  }

  async info(page: Page, log: CallLog, status?: number): Promise<PageInfo> {
    const info: PageInfo = {
      url: page.url(),
      title: await page.title().catch(() => ""),
      blocked: log.blockedUrls(),
      blockedTotal: log.blockedTotal,
      denials: log.denials(),
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
