// policy.yaml text → Policy, or a MoltFailure `invalid_policy` naming file, line and field.
import { buildPolicy } from "./build-policy.ts";
import { failOnIssue } from "./policy-issues.ts";
import { policySchema } from "./schema.ts";
import type { Policy } from "./types.ts";
import { readYaml } from "./yaml-source.ts";

/** Parses policy text. `file` is the name used in error messages. Pure: no I/O. */
export function parsePolicy(text: string, file = "policy.yaml"): Policy {
  const src = readYaml(text, file);
  const result = policySchema.safeParse(src.data);
  if (!result.success) {
    const first = result.error.issues[0];
    if (first) failOnIssue(first, src);
  }
  return buildPolicy(result.data as NonNullable<typeof result.data>);
}
