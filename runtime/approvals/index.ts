// Public surface of runtime/approvals (DESIGN §8).
export { ApprovalStore, type ApprovalState, type StoredApproval, type NewApproval, type ApprovalStoreOptions } from "./approval-store.ts";
export { RememberedGrants, type GrantKey, type RememberedGrant, type RememberScope } from "./remembered-grants.ts";
