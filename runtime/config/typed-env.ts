// What `${VAR}` expansion gave, made fit for the schema and for messages. A variable's value is
// text: where the schema wants a number or a boolean it is converted, strictly ("8080" → 8080,
// "true" → true; "80x" stays text, and the schema's error then names the field, the reference
// and the value). Messages may show an expanded value and say where it came from, unless it may
// be a secret: a secret field's value (expanded or written in the file), or the value of a
// variable whose name looks secret or that also fills a secret field.
import type { OriginOf, ValueOrigin } from "../../policy/policy-issues.ts";
import type { Expanded } from "./expand-env.ts";

const NUMBER = /^-?\d+(\.\d+)?$/;
const BOOLEANS: Record<string, boolean> = { true: true, false: false };

/** Converts, in `value` (expandEnv's fresh copy), the expanded strings the schema wants typed. */
export function typeExpanded(value: unknown, expanded: readonly Expanded[], typeAt: (path: readonly PropertyKey[]) => string | undefined): void {
  for (const { path } of expanded) {
    const type = typeAt(path);
    if (type !== "number" && type !== "boolean") continue;
    const parent = valueAt(value, path.slice(0, -1)) as Record<PropertyKey, unknown> | undefined;
    const key = path.at(-1)!;
    const text = parent?.[key];
    if (typeof text !== "string") continue;
    if (type === "number" && NUMBER.test(text)) parent![key] = Number(text);
    if (type === "boolean" && Object.hasOwn(BOOLEANS, text)) parent![key] = BOOLEANS[text];
  }
}

// The config's secret fields are named so (api_key, token, access_token, password,
// webhook_secret); every value under credentials: is one. `max_tokens` is not.
const SECRET_FIELD = /(^|_)(key|token|password|secret)$/;
// A variable is taken for a secret when one word of its name says so (ANTHROPIC_API_KEY,
// MATRIX_TOKEN, DB_PASSWORD); over-hiding only makes a message less helpful.
const SECRET_WORDS = new Set(["KEY", "APIKEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASS", "PWD", "AUTH", "COOKIE", "CREDENTIAL", "CREDENTIALS", "PRIVATE"]);

export function isSecretField(path: readonly PropertyKey[]): boolean {
  const last = path.at(-1);
  return path[0] === "credentials" || (typeof last === "string" && SECRET_FIELD.test(last));
}

export function isSecretVariable(name: string): boolean {
  return name.toUpperCase().split("_").some((w) => SECRET_WORDS.has(w));
}

/**
 * Where each expanded value came from, for error messages, and the values no message may show
 * (for a last scrub of the message).
 */
export function expandedOrigins(expanded: readonly Expanded[], env: Record<string, string | undefined>): { originOf: OriginOf; secrets: string[] } {
  const secretVars = new Set<string>();
  for (const e of expanded) for (const name of e.fromEnv) if (isSecretVariable(name) || isSecretField(e.path)) secretVars.add(name);
  const byPath = new Map(expanded.map((e) => [e.path.join("\0"), e]));
  const originOf: OriginOf = (path) => {
    const e = byPath.get(path.join("\0"));
    // A secret written into the file itself is not shown either.
    if (!e) return isSecretField(path) ? { hidden: true } : undefined;
    const origin: ValueOrigin = { from: e.refs.join(" and "), hidden: isSecretField(e.path) || e.fromEnv.some((n) => secretVars.has(n)) };
    return origin;
  };
  const secrets = [...secretVars].map((n) => env[n]).filter((v): v is string => v !== undefined && v !== "");
  return { originOf, secrets };
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const step of path) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, step)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[step];
  }
  return v;
}
