// Permission kinds and the decision shape shared by policy/, the sandbox and the CLI (DESIGN §5).

/** Scoped kinds take a list of values; boolean kinds are all-or-nothing. */
export const SCOPED_KINDS = ["net", "read", "write", "run", "env", "mail", "memory"] as const;
export const BOOLEAN_KINDS = ["browser", "camera"] as const;
/** The values a `mail` entry may take: reading mailboxes, sending as the user. */
export const MAIL_ACCESS = ["read", "send"] as const;
export type MailAccess = (typeof MAIL_ACCESS)[number];
/** The values a `memory` entry may take: searching Moltbot's memory, writing facts and notes. */
export const MEMORY_ACCESS = ["read", "write"] as const;
export type MemoryAccess = (typeof MEMORY_ACCESS)[number];
export const PERMISSION_KINDS = [...SCOPED_KINDS, ...BOOLEAN_KINDS] as const;

export type ScopedKind = (typeof SCOPED_KINDS)[number];
export type BooleanKind = (typeof BOOLEAN_KINDS)[number];
export type PermissionKind = (typeof PERMISSION_KINDS)[number];

/** The coarse manifest entries and the kind each one declares whole (DESIGN §3). */
export const COARSE_PERMISSIONS = {
  network_access: "net",
  browser_control: "browser",
  file_read: "read",
  file_write: "write",
  shell_execute: "run",
  camera_access: "camera",
  env_access: "env",
} as const satisfies Record<string, PermissionKind>;

export type CoarsePermission = keyof typeof COARSE_PERMISSIONS;

/**
 * What a manifest declares, normalised: for a scoped kind either "all" (a coarse entry, the
 * policy narrows it) or the listed values; for a boolean kind, true. Absent = undeclared.
 */
export interface DeclaredPermissions {
  net?: "all" | string[];
  read?: "all" | string[];
  write?: "all" | string[];
  run?: "all" | string[];
  env?: "all" | string[];
  mail?: "all" | string[];
  memory?: "all" | string[];
  browser?: true;
  camera?: true;
}

/** Grants and denies as written in policy.yaml (`allow:` / `deny:` blocks). */
export interface PermissionScopes {
  net?: string[];
  read?: string[];
  write?: string[];
  run?: string[];
  env?: string[];
  mail?: string[];
  memory?: string[];
  browser?: boolean;
  camera?: boolean;
}

export type PermissionDecisionKind = "allow" | "prompt" | "deny" | "forbidden";
export type TrustLevel = "allow" | "confirm" | "forbid";

export interface PermissionDecision {
  decision: PermissionDecisionKind;
  /** The rule that decided, as a path into the policy or manifest: `deny.net[0]`, `skills.x.allow.read[1]`, `manifest`, `prompt`. */
  rule: string;
  /** One human sentence, in Deno's style, saying what is missing and where to grant it. */
  reason: string;
}

export interface PermissionRequest {
  kind: PermissionKind;
  /** net: `host`, `host:port`, `[v6]:port`; read/write: absolute real path; run: command name or path; env: variable name; mail: `read` or `send`; memory: `read` or `write`. */
  value?: string;
}
