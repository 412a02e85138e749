// The worker side of the worker→main service channel. worker.ts installs a caller for each job
// (bound to that job's id); host functions take it once, at the start of their call, so a late
// promise of a finished job can never speak under the next job's id. Loaded inside workers:
// nothing here may pull in Playwright or sharp.
import { denyWith } from "../sandbox/host/guard.ts";
import { HostError, type HostContext } from "../sandbox/host/types.ts";
import type { ServiceFailure } from "../sandbox/types.ts";

export type ServiceCaller = (service: string, method: string, args: unknown[]) => Promise<unknown>;

let current: ServiceCaller | undefined;

export function setServiceCaller(caller: ServiceCaller | undefined): void {
  current = caller;
}

/** Thrown by a caller when the main process answered with a failure. */
export class ServiceCallFailed extends Error {
  constructor(readonly failure: ServiceFailure) {
    super(failure.message);
    this.name = "ServiceCallFailed";
  }
}

/** Calls a main-process service; a refusal there becomes a recorded denial (PermissionDenied),
 *  any other failure a HostError with the service's one-line message. */
export async function callService(ctx: HostContext, service: string, method: string, args: unknown[]): Promise<unknown> {
  const caller = current;
  if (!caller) throw new HostError(`${service}.${method} is not available outside a sandboxed call`, "internal");
  try {
    return await caller(service, method, args);
  } catch (err) {
    if (!(err instanceof ServiceCallFailed)) throw err;
    const { denial, message, code } = err.failure;
    if (denial) denyWith(ctx, denial.request, denial.decision);
    throw new HostError(message, code);
  }
}
