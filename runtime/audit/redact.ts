// Secrets are redacted at the point of logging (STYLE.md): by the member's name, and by known
// secret values wherever they appear. The walk also turns arbitrary tool parameters into plain
// JSON, because the log must be writable whatever a model or skill passed in.
import { setOwn } from "../contracts/set-own.ts";

export const REDACTED = "[REDACTED]";

// A substring match on purpose: `api_key`, `X-Auth-Token`, `client_secret`, `sessionCookie`,
// `apikey` must all be caught. It also catches a few harmless names (`max_tokens`, `keyboard`);
// over-redacting a record is the safe direction.
const SECRET_NAME = /key|token|secret|password|passwd|passphrase|authorization|cookie|credential/i;
const MAX_DEPTH = 64;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export interface RedactOptions {
  /** Known secret values (from config); any string containing one has it replaced. */
  secrets: readonly string[];
  /** Replace the values of members whose names look secret (for tool parameters). */
  byName: boolean;
}

/** A JSON-safe copy of `value` with secrets removed. Never throws on odd input. */
export function redact(value: unknown, opts: RedactOptions): unknown {
  return redactor(opts.secrets)(value, opts.byName);
}

/**
 * A JSON-safe copy of any value, secrets aside: what canonicalJson accepts (well-formed strings,
 * finite numbers, no functions or cycles). Tool outputs are not I-JSON by construction.
 */
export function jsonSafe(value: unknown): unknown {
  // Data as deep as it comes (a result is as deep as QuickJS could stringify it): nothing cut.
  return walk(value, { secrets: [], byName: false, seen: new Set(), depth: 0, maxDepth: Infinity });
}

/** `redact` with the secret values prepared once, for the several fields of one record. */
export function redactor(secrets: readonly string[]): (value: unknown, byName: boolean) => unknown {
  // Longest first, so a secret that contains another is removed whole.
  const list = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  return (value, byName) => walk(value, { secrets: list, byName, seen: new Set(), depth: 0, maxDepth: MAX_DEPTH });
}

interface WalkState {
  secrets: string[];
  byName: boolean;
  seen: Set<object>;
  depth: number;
  maxDepth: number;
}

function walk(value: unknown, st: WalkState): unknown {
  switch (typeof value) {
    case "string":
      return cleanString(value, st.secrets);
    case "number":
      return Number.isFinite(value) ? value : null; // as JSON.stringify
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "object":
      return value === null ? null : walkObject(value, st);
    default:
      return undefined; // undefined, functions, symbols: absent, as JSON.stringify
  }
}

function walkObject(obj: object, st: WalkState): unknown {
  if (st.seen.has(obj)) return "[Circular]";
  if (st.depth >= st.maxDepth) return "[too deep]";
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    let replaced: unknown;
    try {
      replaced = toJSON.call(obj);
    } catch {
      return "[unserialisable]";
    }
    if (replaced !== obj) return walk(replaced, st);
  }
  const inner: WalkState = { ...st, depth: st.depth + 1 };
  st.seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => walk(v, inner) ?? null);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const key = cleanString(k, st.secrets);
      const cleaned = walk(v, inner);
      if (cleaned === undefined) continue;
      setOwn(out, key, st.byName && isSecretName(k) ? REDACTED : cleaned);
    }
    return out;
  } finally {
    st.seen.delete(obj);
  }
}

function cleanString(s: string, secrets: readonly string[]): string {
  // Lone surrogates are not I-JSON and could not be hashed canonically.
  let out = s.toWellFormed();
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}
