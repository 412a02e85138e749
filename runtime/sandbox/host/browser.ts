// HOST_API.browser: the permission checks for browser.* (fail closed, here in the worker), then
// the call goes to the main process's BrowserService, which keeps the page alive between calls
// and judges every request the page makes (runtime/services/browser/request-guard.ts).
import { requirePermission, safeCheck } from "./guard.ts";
import { allowedAddresses } from "./net-resolve.ts";
import { parseTarget } from "./net-target.ts";
import { callService } from "../../services/worker-calls.ts";
import { HostError, type HostContext, type HostFn } from "./types.ts";

/** Checks `browser`, and for a URL the net grant and its resolved addresses; returns the net
 *  values the user approved at a prompt (the page's own requests to them may then pass too). */
async function checkNavigation(ctx: HostContext, action: string, url: unknown): Promise<string[]> {
  await requirePermission(ctx, { kind: "browser" });
  if (url === undefined || url === null) return [];
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) {
    throw new HostError(`browser.${action}: url must be an absolute http or https URL`, "invalid_params");
  }
  const target = parseTarget(url);
  const prompted = safeCheck(ctx, { kind: "net", value: target.value }).decision === "prompt";
  await requirePermission(ctx, { kind: "net", value: target.value });
  await allowedAddresses(ctx, target);
  return prompted ? [target.value] : [];
}

const call = (method: string, args: (ctx: HostContext, a: unknown[]) => Promise<[Record<string, unknown>, string[]]> | [Record<string, unknown>, string[]]): HostFn =>
  async (ctx, a) => {
    if (method !== "open" && method !== "goto") await requirePermission(ctx, { kind: "browser" });
    const [arg, approved] = await args(ctx, a);
    const result = (await callService(ctx, "browser", method, [arg, approved])) as Record<string, unknown>;
    // Refused page requests go to the audit entry; the skill sees their URLs in `blocked`.
    // The service lists at most MAX_DENIALS_LISTED; the last one may stand for `times` of them.
    const denials = Array.isArray(result.denials) ? (result.denials as { kind: string; value?: string; rule: string; times?: number }[]) : [];
    for (const d of denials) ctx.recordDenial({ kind: d.kind, value: d.value, rule: d.rule, caught: true, times: d.times });
    delete result.denials;
    return result;
  };

export const BROWSER = {
  open: call("open", async (ctx, [url]) => [{ url }, await checkNavigation(ctx, "open", url)]),
  goto: call("goto", async (ctx, [url]) => {
    if (url === undefined) throw new HostError("browser.goto: url is required", "invalid_params");
    return [{ url }, await checkNavigation(ctx, "goto", url)];
  }),
  text: call("text", (_ctx, [selector]) => [{ selector }, []]),
  click: call("click", (_ctx, [selector]) => [{ selector }, []]),
  fill: call("fill", (_ctx, [selector, value]) => [{ selector, value }, []]),
  screenshot: call("screenshot", (_ctx, [opts]) => [{ fullPage: (opts as { fullPage?: unknown } | undefined)?.fullPage === true }, []]),
  close: call("close", () => [{}, []]),
} satisfies Record<string, HostFn>;
