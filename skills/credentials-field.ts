// The `credentials` field: what a skill asks the host to attach to its fetches (DESIGN §4).
// The values never appear here; only where they go and how they are formatted.
import * as z from "zod/mini";
import type { CredentialRequest } from "../runtime/contracts/skill.ts";
import { invalidManifest } from "./manifest-error.ts";
import { describeIssue, PLAIN_ERRORS } from "./zod-issues.ts";

const Credential = z.strictObject(
  {
    name: z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: "must be 1-64 letters, digits, _ . or -" })),
    host: z.string().check(z.regex(/^(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?$/, { error: "must be a host name (optionally *.domain or :port), no scheme or path" })),
    header: z.string().check(z.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, { error: "must be an HTTP header name" })),
    format: z.string().check(z.refine((s) => s.includes("{value}"), { error: 'must contain "{value}", e.g. "Bearer {value}"' })),
  },
  { error: (iss) => (iss.code === "unrecognized_keys" ? "unknown field; expected name, host, header, format" : undefined) },
);
const Credentials = z.array(Credential);

export function parseCredentials(raw: unknown, file: string, field = "credentials", line?: number): CredentialRequest[] {
  if (raw === undefined) return [];
  const r = Credentials.safeParse(raw, PLAIN_ERRORS);
  if (!r.success) {
    const d = describeIssue(r.error.issues[0]!, raw, field);
    invalidManifest(file, d.field, d.message, line);
  }
  return r.data;
}
