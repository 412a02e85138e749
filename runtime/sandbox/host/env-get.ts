// env.get(name): synchronous and cheap. The decision is cached per name by the context, so a
// repeated call costs one Map lookup plus the read of process.env.
import { requirePermissionSync } from "./guard.ts";
import { redactText, secretValues } from "./redact.ts";
import { HostError, type HostFn } from "./types.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const get: HostFn = (ctx, [name]) => {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new HostError("env.get expects a variable name (letters, digits, underscores)", "invalid_params");
  }
  requirePermissionSync(ctx, { kind: "env", value: name });
  const value = process.env[name];
  // A variable that holds a credential the host attaches to fetch is still never shown.
  if (value === undefined || ctx.credentials.length === 0) return value;
  return redactText(value, secretValues(ctx));
};

export const ENV = { get } satisfies Record<string, HostFn>;
