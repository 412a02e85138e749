// The element text, click and fill act on. A selector that matches nothing is usually a typo, not
// a slow page: waiting the whole call for it would leave no time for the steps after it.
import type { Locator, Page } from "playwright-core";
import { ServiceError } from "../service-error.ts";
import { remaining } from "./browser-session.ts";

/** How long text, click and fill wait for their selector to match, and then to act on it. */
export const ELEMENT_WAIT_MS = 5_000;

/** The selector's first match and the time the action on it may take. */
export async function findElement(page: Page, selector: string, action: string, deadline: number): Promise<{ element: Locator; timeout: number }> {
  const element = page.locator(selector).first();
  const wait = Math.min(ELEMENT_WAIT_MS, remaining(deadline));
  try {
    await element.waitFor({ state: "attached", timeout: wait });
  } catch (err) {
    if ((err as { name?: string })?.name !== "TimeoutError") throw err;
    throw new ServiceError(`browser.${action}: no element matches ${selector} (waited ${seconds(wait)}); read the page's text to find the right selector`);
  }
  return { element, timeout: Math.min(ELEMENT_WAIT_MS, remaining(deadline)) };
}

/** The action on a found element ran out of time: it is hidden, disabled or covered. */
export function notActionable(action: string, selector: string, timeout: number): ServiceError {
  return new ServiceError(`browser.${action}: ${selector} matches an element, but it could not be used within ${seconds(timeout)} (hidden, disabled or covered by another element)`);
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
