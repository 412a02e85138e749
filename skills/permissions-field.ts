// The `permissions` field in both forms (coarse list or scoped map), normalised to the
// DeclaredPermissions contract that policy/ and the sandbox read.
import * as z from "zod/mini";
import { COARSE_PERMISSIONS, SCOPED_KINDS, type DeclaredPermissions } from "../runtime/contracts/permissions.ts";
import { invalidManifest, isPlainObject, show } from "./manifest-error.ts";
import { describeIssue, PLAIN_ERRORS } from "./zod-issues.ts";

const COARSE_NAMES = Object.keys(COARSE_PERMISSIONS);

const entry = (re: RegExp, what: string) =>
  z.string().check(z.regex(re, { error: `must be ${what}` }));

// Shape checks only; policy/ parses and matches the values (DESIGN §5).
const NET = /^(?:(?:\*\.)?[A-Za-z0-9_.-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?|[0-9A-Fa-f:.]+(?:\/\d{1,3})?)$/;
const PATH = /^[^\0]+$/;
const COMMAND = /^[^\0\s]+$/;
const ENV = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;
const MAIL = /^(?:read|send)$/;
const MEMORY = /^(?:read|write)$/;

const Scoped = z.strictObject(
  {
    net: z.optional(z.array(entry(NET, "a host, host:port, *.domain, IP or CIDR (no scheme, no path)"))),
    read: z.optional(z.array(entry(PATH, "a non-empty path"))),
    write: z.optional(z.array(entry(PATH, "a non-empty path"))),
    run: z.optional(z.array(entry(COMMAND, "a command name or absolute path without spaces"))),
    env: z.optional(z.array(entry(ENV, "a variable name or PREFIX_*"))),
    mail: z.optional(z.array(entry(MAIL, "read or send"))),
    memory: z.optional(z.array(entry(MEMORY, "read or write"))),
    browser: z.optional(z.boolean()),
    camera: z.optional(z.boolean()),
  },
  { error: (iss) => (iss.code === "unrecognized_keys" ? "unknown permission kind; expected net, read, write, run, env, mail, memory, browser, camera" : undefined) },
);

/** Parses a manifest `permissions` value; absent means nothing declared (fail closed). */
export function parsePermissions(raw: unknown, file: string, field = "permissions", line?: number): DeclaredPermissions {
  if (raw === undefined) return {};
  if (Array.isArray(raw)) return fromCoarse(raw, file, field, line);
  if (!isPlainObject(raw)) {
    invalidManifest(file, field, `expected a list like ["network_access"] or a map like {"net": ["api.example.com:443"]}`, line);
  }
  const r = Scoped.safeParse(raw, PLAIN_ERRORS);
  if (!r.success) {
    const d = describeIssue(r.error.issues[0]!, raw, field);
    invalidManifest(file, d.field, d.message, line);
  }
  const out: DeclaredPermissions = {};
  for (const kind of SCOPED_KINDS) {
    const list = r.data[kind];
    if (list && list.length > 0) out[kind] = [...new Set(list)];
  }
  if (r.data.browser) out.browser = true;
  if (r.data.camera) out.camera = true;
  return out;
}

function fromCoarse(list: unknown[], file: string, field: string, line?: number): DeclaredPermissions {
  const out: DeclaredPermissions = {};
  list.forEach((name, i) => {
    if (typeof name !== "string" || !Object.hasOwn(COARSE_PERMISSIONS, name)) {
      invalidManifest(file, `${field}[${i}]`, `${show(name)} is not a permission; expected one of ${COARSE_NAMES.join(", ")}`, line);
    }
    const kind = COARSE_PERMISSIONS[name as keyof typeof COARSE_PERMISSIONS];
    if (kind === "browser" || kind === "camera") out[kind] = true;
    else out[kind] = "all";
  });
  return out;
}

/** Order-insensitive equality, for checking that SKILL.md and skill.json agree. */
export function samePermissions(a: DeclaredPermissions, b: DeclaredPermissions): boolean {
  return canonical(a) === canonical(b);
}

function canonical(p: DeclaredPermissions): string {
  const keys = Object.keys(p).sort() as (keyof DeclaredPermissions)[];
  return JSON.stringify(keys.map((k) => [k, Array.isArray(p[k]) ? [...(p[k] as string[])].sort() : p[k]]));
}
