import type { PermissionDecision, PermissionRequest } from "../../contracts/permissions.ts";
import type { RunRequest } from "../../../policy/index.ts";
import type { SandboxLimits, DenialRecord } from "../../contracts/sandbox.ts";
import type { MailAccount } from "./mail-types.ts";
/** Thrown by a host function when a permission is denied; core turns it into the in-sandbox
 *  `PermissionDenied` error (name "PermissionDenied", message = reason in Deno style). */
export class HostDenied extends Error { constructor(readonly decision: PermissionDecision, readonly request: PermissionRequest) { super(decision.reason); this.name = "PermissionDenied"; } }
/** Thrown for ordinary failures (ENOENT, non-zero exit is NOT one, bad args): message shown to the skill. */
export class HostError extends Error { constructor(message: string, readonly code = "host_error") { super(message); this.name = "HostError"; } }
/** Sends one request to a main-process service (browser, camera, memory) as one call's job. */
export type ServiceCaller = (service: string, method: string, args: unknown[]) => Promise<unknown>;
export interface HostContext {
  /** Decide a request; already combines policy + manifest; cached per (kind,value). */
  check(req: PermissionRequest): PermissionDecision;
  /** For run: decide a command with its resolved and real paths in one request (policy's
   *  checkRun), so the manifest sees the name while the denies see every path. */
  checkRun(run: RunRequest): PermissionDecision;
  /** For net: after DNS, decide one resolved address of an allowed request. */
  checkResolved(host: string, port: number, ip: string): PermissionDecision;
  /** Ask the user (via main thread) about a `prompt` decision; true = allow this request. */
  ask(req: PermissionRequest, decision: PermissionDecision): Promise<boolean>;
  /** The same question for synchronous host functions (env.get): blocks this worker thread
   *  until the user answers or the deadline passes. Absent = nobody can be asked (deny). */
  askSync?(req: PermissionRequest, decision: PermissionDecision): boolean;
  recordDenial(d: DenialRecord): void;
  /** Absolute epoch ms at which the whole call must end; host calls must finish by then. */
  deadline: number;
  home: string;
  limits: SandboxLimits;
  /** Secret values the host attaches to fetch (never shown to the skill), by credential name. */
  credentials: { name: string; host: string; header: string; format: string; value: string }[];
  /** The user's mail account (servers and password), for mail.* only; never shown to the skill. */
  mail?: MailAccount;
  /** net for a server the user configured (the mail account's), as if the skill declared it:
   *  the policy's net grants, denies and special-address rule decide. Absent = deny. */
  checkServer?(value: string): PermissionDecision;
  /** Main-process services as this call's job, fixed when the context is made: a host call a
   *  finished call left running speaks as that call (and is refused), never as a later one.
   *  Absent = no services (outside a pool worker). */
  readonly services?: ServiceCaller;
}
/** A host function: args are JSON-like values (strings, numbers, plain objects, arrays,
 *  Uint8Array); returns the same kinds, synchronously or as a Promise. */
export type HostFn = (ctx: HostContext, args: unknown[]) => unknown;
/** All capabilities by global name: HOST_API.fs.readTextFile, HOST_API.env.get,
 *  HOST_API.shell.run, HOST_API.net.fetch. */
export type HostApi = Record<string, Record<string, HostFn>>;
