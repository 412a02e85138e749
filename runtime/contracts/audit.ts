// One line of the audit log (DESIGN §6). Persisted: `v` is the format version.
export type AuditResult = "success" | "error" | "denied" | "forbidden" | "rejected" | "timeout";

export interface AuditRecord {
  tool: string;
  parameters: unknown;
  user_approved: boolean | null;
  result: AuditResult;
  output_hash: string | null;
  skill_version: string | null;
  session: string | null;
  channel: string | null;
  user: string | null;
  node: string;
  decision: "allow" | "confirm" | "forbid";
  duration_ms: number;
  error_code?: string;
  denials?: { kind: string; value?: string; rule: string }[];
  /** Denials not listed in `denials` (a call lists at most MAX_DENIALS_LISTED). */
  denials_omitted?: number;
}

export interface AuditEntry extends AuditRecord {
  v: 1;
  seq: number;
  timestamp: string;
  prev_hash: string;
  hash: string;
}
