// Public surface of runtime/sessions (DESIGN §8, §12).
export { SessionStore, type SessionKey, type AdmissionConfig } from "./session-store.ts";
export type { DmPolicy, PairingEntry } from "./pairing-store.ts";
export { PAIRING_CODE, PAIRING_TTL_MS } from "./pairing-code.ts";
export { openStateDb, systemClock, type Clock } from "./state-db.ts";
