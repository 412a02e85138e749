// One matcher per scoped kind, over entries as written in policy.yaml or a manifest. Allows
// match narrowly, denies broadly, and `covers` compares two entries for `precedence: specific`
// and `policy explain`. No I/O: paths arrive expanded (and, from a loaded file, resolved).
import type { ScopedKind } from "../runtime/contracts/permissions.ts";
import { envCovers, envMatches, isValidEnvName } from "./env-match.ts";
import { type NetPattern, type NetRequest, netAllows, netCovers, netDenies, parseNetPattern, parseNetRequest } from "./net-match.ts";
import { isAccess } from "./access-match.ts";
import { expandPath, pathCovers, requestPath } from "./path-match.ts";
import { type RunRequest, isValidRunRequest, runAllows, runDenies } from "./run-match.ts";
import type { PolicyEnv, ScopeBlock } from "./types.ts";

/** An entry with its rule path ("deny.net[0]") and the forms it is compared in. */
export interface Entry {
  rule: string;
  text: string;
  /** paths (and run paths): as written or expanded and, when known, real path; net: the parsed pattern; others: the text. */
  forms: string[];
  net?: NetPattern;
}

export type ScopedRequest =
  | { kind: "net"; net: NetRequest }
  | { kind: "read" | "write"; path: string }
  | { kind: "run"; run: RunRequest }
  | { kind: "env"; name: string }
  | { kind: "mail" | "memory"; access: string };

// Parsed entries per block: a loaded policy does not change (the sandbox pool freezes the ones it
// sees), and permission checks run on every host call. A block built for one check (a manifest's
// list) is simply parsed again next time.
const parsed = new WeakMap<object, Map<string, readonly Entry[]>>();

export function entriesOf(block: ScopeBlock | undefined, kind: ScopedKind, at: string, env: PolicyEnv): readonly Entry[] {
  // A policy that is not the shape we built must not read as "no denies": throw, which the
  // callers turn into a deny.
  if (block !== undefined && (typeof block !== "object" || block === null)) throw new Error(`malformed policy block at ${at}`);
  if (block === undefined) return [];
  const key = `${kind}\0${at}\0${env.home}`;
  let byKey = parsed.get(block);
  const known = byKey?.get(key);
  if (known) return known;
  const entries = Object.freeze(parseEntries(block, kind, at, env));
  if (!byKey) parsed.set(block, (byKey = new Map()));
  byKey.set(key, entries);
  return entries;
}

function parseEntries(block: ScopeBlock, kind: ScopedKind, at: string, env: PolicyEnv): Entry[] {
  const list = block?.[kind] ?? [];
  if (!Array.isArray(list)) throw new Error(`malformed policy list at ${at}.${kind}`);
  return list.map((text, i) => {
    const rule = at === "" ? `${kind}[${i}]` : `${at}.${kind}[${i}]`;
    if (kind === "read" || kind === "write") {
      const forms = [expandPath(text, env.home)];
      const real = block?.resolved?.[kind]?.[i];
      if (real !== undefined && real !== forms[0]) forms.push(real);
      return { rule, text, forms };
    }
    if (kind === "run") {
      const real = block?.resolved?.run?.[i];
      return { rule, text, forms: real !== undefined && real !== text ? [text, real] : [text] };
    }
    if (kind === "net") {
      const net = parseNetPattern(text);
      return net ? { rule, text, forms: [text], net } : { rule, text, forms: [] };
    }
    return { rule, text, forms: [text] };
  });
}

/** What a request value of each kind looks like, for an error about one given by hand. */
export const REQUEST_EXPECTED: Record<ScopedKind, string> = {
  net: "host or host:port such as example.org:443",
  read: "a path such as ~/notes or /etc/hosts",
  write: "a path such as ~/notes or /tmp/out.txt",
  run: "a command name such as git, or an absolute path such as /usr/bin/git",
  env: "a variable name such as HOME",
  mail: "read or send",
  memory: "read or write",
};

/** Parses a request value of a scoped kind; null when malformed (which denies). */
export function parseScopedRequest(kind: ScopedKind, value: string, env: PolicyEnv): ScopedRequest | null {
  switch (kind) {
    case "net": {
      const net = parseNetRequest(value);
      return net ? { kind, net } : null;
    }
    case "read":
    case "write": {
      const path = requestPath(value, env.home);
      return path === null ? null : { kind, path };
    }
    case "run":
      return isValidRunRequest({ name: value }) ? { kind, run: { name: value } } : null;
    case "env":
      return isValidEnvName(value) ? { kind, name: value } : null;
    case "mail":
    case "memory":
      return isAccess(kind, value) ? { kind, access: value } : null;
  }
}

export function allows(e: Entry, r: ScopedRequest): boolean {
  switch (r.kind) {
    case "net":
      return e.net !== undefined && netAllows(e.net, r.net);
    case "read":
    case "write":
      return e.forms.some((f) => pathCovers(f, r.path));
    case "run":
      return runAllows(e.forms, r.run);
    case "env":
      return envMatches(e.text, r.name);
    case "mail":
    case "memory":
      return e.text === r.access;
  }
}

export function denies(e: Entry, r: ScopedRequest): boolean {
  switch (r.kind) {
    case "net":
      // An entry that failed to parse cannot come from a validated policy; deny to fail closed.
      return e.net === undefined || netDenies(e.net, r.net);
    case "run":
      return runDenies(e.forms, r.run);
    default:
      return allows(e, r);
  }
}

/** outer ⊇ inner, entry against entry. */
export function covers(kind: ScopedKind, outer: Entry, inner: Entry): boolean {
  switch (kind) {
    case "net":
      return outer.net !== undefined && inner.net !== undefined && netCovers(outer.net, inner.net);
    case "read":
    case "write":
      return inner.forms.length > 0 && inner.forms.every((i) => outer.forms.some((o) => pathCovers(o, i)));
    case "run":
      return outer.text === inner.text;
    case "env":
      return envCovers(outer.text, inner.text);
    case "mail":
    case "memory":
      return outer.text === inner.text;
  }
}

/** The narrowest of several matching entries: the one that says most about this request. */
export function narrowest(kind: ScopedKind, entries: Entry[]): Entry | undefined {
  return entries.find((e) => !entries.some((o) => strictlyCovers(kind, e, o)));
}

export function strictlyCovers(kind: ScopedKind, outer: Entry, inner: Entry): boolean {
  return covers(kind, outer, inner) && !covers(kind, inner, outer);
}
