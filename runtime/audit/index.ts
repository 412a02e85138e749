// Public surface of runtime/audit (DESIGN §6).
export { AuditLog, type AuditLogOptions } from "./audit-log.ts";
export { verifyAudit, type VerifyResult } from "./verify.ts";
export { tailAudit, formatAuditEntry } from "./tail.ts";
export { canonicalJson } from "./canonical-json.ts";
export { entryHash, GENESIS_HASH, outputHash } from "./entry-hash.ts";
export { REDACTED } from "./redact.ts";
