// Arguments of mail.* as the skill passed them: checked for type and range here, so the IMAP
// and SMTP code below only sees well-formed values.
import { HostError } from "./types.ts";

export type Args = Record<string, unknown>;

export function argsOf(fn: string, v: unknown): Args {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw new HostError(`${fn}: expected an options object`, "invalid_params");
  return v as Args;
}

export function str(fn: string, a: Args, key: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
  const v = a[key];
  if (v === undefined || v === null) {
    if (opts.required) throw new HostError(`${fn}: ${key} is required`, "invalid_params");
    return undefined;
  }
  if (typeof v !== "string") throw new HostError(`${fn}: ${key} must be a string`, "invalid_params");
  const max = opts.max ?? 1000;
  if (v.length > max) throw new HostError(`${fn}: ${key} is longer than ${max} characters`, "invalid_params");
  if (/[\0\r\n]/.test(v) && key !== "text") throw new HostError(`${fn}: ${key} must be one line`, "invalid_params");
  return v;
}

export function int(fn: string, a: Args, key: string, min: number, max: number, dflt: number): number {
  const v = a[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new HostError(`${fn}: ${key} must be a whole number from ${min} to ${max}`, "invalid_params");
  }
  return v;
}

export function bool(fn: string, a: Args, key: string): boolean {
  const v = a[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw new HostError(`${fn}: ${key} must be true or false`, "invalid_params");
  return v;
}

export function date(fn: string, a: Args, key: string): Date | undefined {
  const v = str(fn, a, key, { max: 40 });
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new HostError(`${fn}: ${key} must be a date such as 2026-01-28 or an ISO time`, "invalid_params");
  return d;
}

export function addresses(fn: string, a: Args, key: string, required: boolean): string[] {
  const v = a[key];
  if (v === undefined || v === null) {
    if (required) throw new HostError(`${fn}: ${key} is required`, "invalid_params");
    return [];
  }
  const list = typeof v === "string" ? [v] : Array.isArray(v) ? v : null;
  if (list === null || list.length > 50 || list.some((x) => typeof x !== "string")) {
    throw new HostError(`${fn}: ${key} must be an address or a list of at most 50 addresses`, "invalid_params");
  }
  for (const x of list as string[]) {
    // One plain address each: no display-name syntax, no header injection, no lists in disguise.
    if (!/^[^\s@<>,;"]+@[^\s@<>,;"]+$/.test(x) || x.length > 254) {
      throw new HostError(`${fn}: "${x.slice(0, 80)}" in ${key} is not an e-mail address`, "invalid_params");
    }
  }
  if (required && list.length === 0) throw new HostError(`${fn}: ${key} is required`, "invalid_params");
  return list as string[];
}

/** Most ids in a References list passed to or returned by mail.*; each at most MAX_MSG_ID characters. */
export const MAX_REFERENCES = 50;
export const MAX_MSG_ID = 500;

/**
 * A msg-id as a header holds it: `<left@right>` in printable ASCII, so nothing in it can end the
 * id, fold the line or start another header (nodemailer writes these ids as given).
 */
export function isMsgId(id: string): boolean {
  return id.length <= MAX_MSG_ID && /^<[\x21-\x3b=\x3f-\x7e]+@[\x21-\x3b=\x3f-\x7e]+>$/.test(id);
}

/** One msg-id; the angle brackets may be left out (`a@b`), and are put back. */
export function msgId(fn: string, a: Args, key: string): string | undefined {
  const v = str(fn, a, key, { max: MAX_MSG_ID });
  if (v === undefined) return undefined;
  const id = v.startsWith("<") ? v : `<${v}>`;
  if (!isMsgId(id)) throw new HostError(`${fn}: ${key} must be a Message-ID such as <abc@example.com>`, "invalid_params");
  return id;
}

export function msgIds(fn: string, a: Args, key: string): string[] {
  const v = a[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > MAX_REFERENCES || v.some((x) => typeof x !== "string")) {
    throw new HostError(`${fn}: ${key} must be a list of at most ${MAX_REFERENCES} Message-IDs`, "invalid_params");
  }
  for (const [i, x] of (v as string[]).entries()) {
    if (!isMsgId(x)) throw new HostError(`${fn}: ${key}[${i}] must be a Message-ID such as <abc@example.com> (at most ${MAX_MSG_ID} characters)`, "invalid_params");
  }
  return v as string[];
}
