// Every request a page makes goes through here: no request reaches the network from Chromium
// itself. Each one is sent by the sandbox's own fetch (hostFetch) under the skill's policy — the
// net grant, DNS resolved once with every address judged (special addresses), the connection
// pinned to an address that passed, and each redirect hop checked again — and the answer is
// handed to the page with route.fulfill. Playwright does not route the hops of a redirect that
// Chromium follows itself, so letting Chromium fetch (route.continue) would leave them unchecked.
import type { BrowserContext, Route } from "playwright-core";
import { DEFAULT_LIMITS } from "../../contracts/sandbox.ts";
import { createHostContext, HostDenied } from "../../sandbox/host/index.ts";
import { hostFetch } from "../../sandbox/host/net-fetch.ts";
import type { ServiceCall } from "../../sandbox/types.ts";
import { firstLine } from "../service-error.ts";
import type { CallLog } from "./call-log.ts";

/** What the guard needs to know about the session at the moment a request is made. */
export interface GuardState {
  /** The latest call of this session: whose policy judges the page's requests. */
  call: ServiceCall;
  /** `net` values the user approved at a prompt during a call of this session. */
  approved: Set<string>;
  /** The calls under way: each one's log gets what the page's requests come to meanwhile. */
  logs: Set<CallLog>;
}

/** Time one page request may take (the call's own deadline bounds the call itself). */
export const REQUEST_MS = 15_000;
/** Set per hop by the host or meaningless when the host sends the request. */
const DROP_RESPONSE = new Set(["content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"]);

export async function guardRequests(context: BrowserContext, state: GuardState): Promise<void> {
  await context.route("**/*", (route) => handle(route, state));
  // WebSockets are not requests route() sees; the browser's dead proxy stops them too.
  await context.routeWebSocket(() => true, (ws) => ws.close({ code: 1008, reason: "WebSockets are not available to skills" }));
}

async function handle(route: Route, state: GuardState): Promise<void> {
  const request = route.request();
  const url = request.url();
  const { call, approved } = state;
  const ctx = createHostContext({
    policy: call.policy,
    skill: { name: call.skill.name, permissions: call.skill.permissions },
    home: call.home,
    limits: DEFAULT_LIMITS,
    deadline: Date.now() + REQUEST_MS,
    // No one can be asked from here: only what was approved during a call of this session passes.
    ask: async (req) => req.kind === "net" && req.value !== undefined && approved.has(req.value),
  });
  const frame = safe(() => request.frame());
  const navigation = request.isNavigationRequest() && frame !== undefined && frame.parentFrame() === null;
  try {
    const headers = Object.entries(await request.allHeaders()).filter(([k]) => !k.startsWith(":"));
    const body = request.postDataBuffer();
    const res = await hostFetch(ctx, url, { method: request.method(), headers, body: body === null ? null : new Uint8Array(body) });
    const out: Record<string, string> = {};
    for (const [k, v] of res.headers) {
      if (DROP_RESPONSE.has(k)) continue;
      out[k] = out[k] === undefined ? v : `${out[k]}\n${v}`;
    }
    await route.fulfill({ status: res.status, headers: out, body: Buffer.from(res.body) });
  } catch (err) {
    if (err instanceof HostDenied) {
      const blocked = { url, navigation, request: err.request, decision: err.decision };
      for (const log of state.logs) log.refused(blocked);
      await route.abort("blockedbyclient").catch(() => {});
    } else {
      const failed = { url, message: firstLine(err), timedOut: (err as { code?: unknown }).code === "timeout" };
      for (const log of state.logs) log.failed(failed, navigation);
      await route.abort("failed").catch(() => {});
    }
  }
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
