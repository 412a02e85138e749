// One headless Chromium for the whole process, launched on first use and closed when no
// conversation has used it for a while. Sandbox workers are recycled per call, so the browser
// lives here, in the main process; each conversation (and skill) gets its own BrowserContext.
import type { Browser } from "playwright-core";
import type { ServiceCall } from "../../sandbox/types.ts";
import { ServiceError, firstLine } from "../service-error.ts";
import { actionError, BrowserSession, MAX_TEXT_CHARS, remaining, VIEWPORT, type PageInfo } from "./browser-session.ts";
import { findElement, notActionable } from "./find-element.ts";

export interface BrowserServiceOptions {
  executablePath?: string;
  /** A conversation's page is closed after this long unused; default 10 min. */
  sessionIdleMs?: number;
  /** Chromium exits once no session is left for this long; default 60 s. */
  browserIdleMs?: number;
}

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
  // The backstop: every request the guard handles is answered by route.fulfill, so anything that
  // slips past route() (a prefetch, a WebSocket, WebTransport's QUIC) meets a proxy that does not
  // exist, loopback included, and never reaches the network.
  "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
  // WebRTC's ICE (STUN over UDP, to any address a page names) is not a request route() or the
  // proxy sees. This switch sets the profile pref webrtc.ip_handling_policy, which every context
  // inherits: no UDP unless proxied, and TCP only through the dead proxy. (Chromium has no
  // "--force-webrtc-ip-handling-policy"; it was ignored.)
  "--webrtc-ip-handling-policy=disable_non_proxied_udp",
  // Cheap to close although the proxy already stops them: host lookups the page never asked
  // for, QUIC, and <a ping>.
  "--dns-prefetch-disable", "--disable-quic", "--no-pings",
];

const sessionKey = (call: ServiceCall) => `${call.skill.name}\u0000${call.session}`;

export class BrowserService {
  readonly #opts: Required<BrowserServiceOptions>;
  #browser?: Promise<Browser>;
  #sessions = new Map<string, BrowserSession>();
  #sweep?: ReturnType<typeof setInterval>;
  #emptySince = Date.now();

  constructor(opts: BrowserServiceOptions = {}) {
    this.#opts = {
      executablePath: opts.executablePath ?? process.env.MOLTBOT_CHROMIUM ?? "/usr/bin/chromium",
      sessionIdleMs: opts.sessionIdleMs ?? 10 * 60_000,
      browserIdleMs: opts.browserIdleMs ?? 60_000,
    };
  }

  get sessions(): number {
    return this.#sessions.size;
  }

  /** `args` as sent by the worker's host function (already permission-checked there). */
  async call(method: string, args: unknown[], call: ServiceCall): Promise<unknown> {
    const [arg, approved] = args as [Record<string, unknown> | undefined, string[] | undefined];
    const a = arg ?? {};
    const key = sessionKey(call);
    if (method === "close") {
      const s = this.#sessions.get(key);
      this.#sessions.delete(key);
      return { closed: s ? await s.close() : false };
    }
    let session = this.#sessions.get(key);
    if (!session) {
      if (method !== "open" && method !== "goto") throw new ServiceError(`browser.${method}: no page is open in this conversation; call browser.open(url) first`, "invalid_params");
      session = new BrowserSession(call);
      this.#sessions.set(key, session);
    }
    const log = session.begin(call, Array.isArray(approved) ? approved : []);
    const deadline = call.deadline;
    try {
      switch (method) {
        case "open":
        case "goto": {
          const page = await session.page(await this.#launch(deadline));
          if (typeof a.url !== "string") return await session.info(page, log);
          return await session.goto(page, a.url, log, deadline);
        }
        case "text": {
          const page = session.existingPage();
          const selector = str(a.selector) ?? "body";
          const { element, timeout } = await findElement(page, selector, "text", deadline);
          const text = await element.innerText({ timeout }).catch(rethrow(notActionable("text", selector, timeout)));
          const out: PageInfo & { text: string; truncated?: { shown: number; total: number; unit: "chars" } } = { ...(await session.info(page, log)), text: text.slice(0, MAX_TEXT_CHARS) };
          if (text.length > MAX_TEXT_CHARS) out.truncated = { shown: MAX_TEXT_CHARS, total: text.length, unit: "chars" };
          return out;
        }
        case "click": {
          const page = session.existingPage();
          const selector = required(a.selector, "click");
          const { element, timeout } = await findElement(page, selector, "click", deadline);
          await element.click({ timeout }).catch(rethrow(notActionable("click", selector, timeout)));
          await page.waitForLoadState("load", { timeout: remaining(deadline) });
          return await session.info(page, log);
        }
        case "fill": {
          const page = session.existingPage();
          if (typeof a.value !== "string") throw new ServiceError("browser.fill: value must be a string", "invalid_params");
          const selector = required(a.selector, "fill");
          const { element, timeout } = await findElement(page, selector, "fill", deadline);
          await element.fill(a.value, { timeout }).catch(rethrow(notActionable("fill", selector, timeout)));
          return await session.info(page, log);
        }
        case "screenshot": {
          const page = session.existingPage();
          const png = await page.screenshot({ type: "png", fullPage: a.fullPage === true, timeout: remaining(deadline) });
          return { ...(await session.info(page, log)), mime: "image/png", bytes: png.byteLength, viewport: VIEWPORT, base64: png.toString("base64") };
        }
        default:
          throw new ServiceError(`browser.${method} does not exist`, "invalid_params");
      }
    } catch (err) {
      throw actionError(method, err);
    } finally {
      session.end(log);
    }
  }

  /** Ends a session (a call without a conversation has finished). */
  async release(session: string): Promise<void> {
    for (const [key, s] of this.#sessions) {
      if (key.endsWith(`\u0000${session}`)) {
        this.#sessions.delete(key);
        await s.close();
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((s) => s.close()));
    const browser = this.#browser;
    this.#browser = undefined;
    await browser?.then((b) => b.close()).catch(() => {});
  }

  #launch(deadline: number): Promise<Browser> {
    if (!this.#browser) {
      const launching = import("playwright-core").then(({ chromium }) =>
        chromium.launch({ executablePath: this.#opts.executablePath, args: CHROMIUM_ARGS, timeout: 30_000 }));
      this.#browser = launching.catch((err) => {
        this.#browser = undefined;
        throw new ServiceError(`browser: Chromium could not start (${firstLine(err, 160)})`, "host_error");
      });
      this.#browser.then((b) => b.on("disconnected", () => (this.#browser = undefined))).catch(() => {});
      this.#startSweep();
    }
    const left = remaining(deadline);
    return Promise.race([
      this.#browser,
      new Promise<never>((_, reject) => setTimeout(() => reject(new ServiceError("browser: Chromium did not start before the call's time limit", "timeout")), left).unref()),
    ]);
  }

  /** Closes idle sessions, then the browser once nothing has used it for browserIdleMs. */
  #startSweep(): void {
    if (this.#sweep) return;
    const every = Math.max(50, Math.min(this.#opts.sessionIdleMs, this.#opts.browserIdleMs) / 2);
    this.#sweep = setInterval(() => {
      const now = Date.now();
      for (const [key, s] of this.#sessions) {
        if (now - s.lastUsed > this.#opts.sessionIdleMs) {
          this.#sessions.delete(key);
          void s.close();
        }
      }
      if (this.#sessions.size > 0) this.#emptySince = now;
      else if (now - this.#emptySince > this.#opts.browserIdleMs) void this.close();
    }, every);
    this.#sweep.unref();
  }
}

/** For a Playwright timeout, `instead`; anything else as it was. */
const rethrow = (instead: Error) => (err: unknown): never => {
  throw (err as { name?: string })?.name === "TimeoutError" ? instead : err;
};

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

function required(v: unknown, action: string): string {
  const s = str(v);
  if (s === undefined) throw new ServiceError(`browser.${action}: selector must be a non-empty string`, "invalid_params");
  return s;
}
