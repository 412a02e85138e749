// HOST_API.memory: `memory: read` / `memory: write` are checked here, in the worker (fail closed);
// the search or write itself runs in the main process's MemoryService, which holds the one
// MemoryStore of the process (its search index and per-file write queues). Whose profile a fact
// goes to is the call's user, which the pool takes from its own copy of the job: a skill cannot
// name another user.
import { requirePermission } from "./guard.ts";
import { callService } from "../../services/worker-calls.ts";
import { HostError, type HostFn } from "./types.ts";

function options(fn: string, arg: unknown): Record<string, unknown> {
  if (arg === null || typeof arg !== "object" || Array.isArray(arg)) {
    throw new HostError(`memory.${fn}: expected an options object, e.g. memory.${fn}({ ${fn === "search" ? 'query: "dentist"' : 'kind: "daily", text: "…"'} })`, "invalid_params");
  }
  return arg as Record<string, unknown>;
}

export const MEMORY = {
  search: (async (ctx, [arg]) => {
    await requirePermission(ctx, { kind: "memory", value: "read" });
    const o = options("search", arg);
    return callService(ctx, "memory", "search", [{ query: o.query, limit: o.limit }]);
  }) as HostFn,
  write: (async (ctx, [arg]) => {
    await requirePermission(ctx, { kind: "memory", value: "write" });
    const o = options("write", arg);
    return callService(ctx, "memory", "write", [{ kind: o.kind, text: o.text, section: o.section }]);
  }) as HostFn,
} satisfies Record<string, HostFn>;
