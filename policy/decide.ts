// The policy's pure decisions alone: what a sandbox worker needs, without the parsing, loading
// and explaining that index.ts also brings (each new worker loads this ~4 ms faster).
export { checkConfiguredServer, checkPermission, checkRun } from "./check-permission.ts";
export { checkResolvedAddress } from "./resolved-address.ts";
export { normalizeHost, parseIP } from "./ip.ts";
export { pathCovers } from "./path-match.ts";
export { quote } from "./quote.ts";
export { isSealed, sealPolicy } from "./sealed.ts";
export type { Policy } from "./types.ts";
