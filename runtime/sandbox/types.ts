// The job a caller hands the pool, and the messages between the pool and its workers.
// Everything here is plain data: it crosses a worker boundary by structured clone.
import type { DeclaredPermissions, PermissionDecision, PermissionRequest } from "../contracts/permissions.ts";
import type { SandboxLimits, SandboxOutcome } from "../contracts/sandbox.ts";
import type { Policy } from "../../policy/index.ts";
import type { ContextKind } from "./call-result.ts";
import type { HostContext } from "./host/types.ts";

export interface SandboxJob {
  skill: { name: string; version: string; dir: string; implementation: string; permissions: DeclaredPermissions };
  params: unknown;
  policy: Policy;
  limits: SandboxLimits;
  home: string;
  /** Folders no skill may read or write whatever the policy says: Moltbot's own home (its
   *  config, policy, audit log, memory, channel sessions). See host/guard.ts. */
  protect?: string[];
  credentials?: HostContext["credentials"];
  /** The user's mail account for mail.* (from config); stays on the host side of the worker. */
  mail?: HostContext["mail"];
  /** The conversation this call belongs to (ToolContext.session): host services such as the
   *  browser keep state per session. Absent = state lives for this one call only. */
  session?: string;
  /** Who the call is for (ToolContext.user): memory.write files a fact in this user's profile.
   *  Absent = nobody (a fact cannot be written). */
  user?: string;
}

/** What a main-process host service learns about the call it serves: taken from the pool's own
 *  copy of the job, never from the worker, so a worker cannot claim another skill's policy. */
export interface ServiceCall {
  /** job.session, or a key unique to this call (released when the call ends). */
  session: string;
  skill: SandboxJob["skill"];
  policy: Policy;
  home: string;
  deadline: number;
  /** job.user: whose memory profile a write goes to; absent when the call has no user. */
  user?: string;
}

/** Long-lived host capabilities (browser, camera, memory) that must outlive recycled workers. */
export interface HostServices {
  call(service: string, method: string, args: unknown[], call: ServiceCall): Promise<unknown>;
  /** A call without a session has ended: drop what it held. */
  release(session: string): void;
  close(): Promise<void>;
}

/** A failed service call as it crosses back to the worker. */
export interface ServiceFailure {
  message: string;
  code: string;
  /** Set when a permission decision refused it: the worker records and raises it as a denial. */
  denial?: { request: PermissionRequest; decision: PermissionDecision };
}

/** A job as sent to a worker: its policy travels once per worker (see `PolicyRef`). */
export type WireJob = Omit<SandboxJob, "policy">;

/** Which policy a job runs under: its id, and the policy itself the first time this worker
 *  sees it. Both sides keep the last POLICIES_KEPT by arrival, so they agree on what is held. */
export interface PolicyRef {
  id: number;
  policy?: Policy;
}
export const POLICIES_KEPT = 8;

/** Main → worker. */
export type ToWorker =
  | { type: "run"; id: number; job: WireJob; policy: PolicyRef; deadline: number }
  | { type: "answer"; id: number; askId: number; allow: boolean }
  | { type: "rpc-result"; id: number; rpcId: number; ok: true; value: unknown }
  | { type: "rpc-result"; id: number; rpcId: number; ok: false; error: ServiceFailure };

/** Worker → main. */
export type FromWorker =
  /** `wasm`: the QuickJS module this worker compiled, for the pool to give the next ones. */
  | { type: "ready"; wasm?: WebAssembly.Module }
  /** Done preparing contexts after a call (see worker.ts prepareNext). */
  | { type: "prepared" }
  | {
      type: "ask"; id: number; askId: number; request: PermissionRequest; decision: PermissionDecision;
      /** Present when the worker is blocked waiting (a synchronous host call): answer through it.
       *  Int32 slot 0: 0 pending, 1 answered; slot 1: 1 allow, 0 deny. */
      sync?: SharedArrayBuffer;
    }
  | {
      type: "done"; id: number; outcome: SandboxOutcome; recycle: boolean;
      /** What the call ran in; counted in the pool's stats. */
      context?: ContextKind;
    }
  /** A host function asks a main-process service (browser, camera); answered by "rpc-result". */
  | { type: "rpc"; id: number; rpcId: number; service: string; method: string; args: unknown[] };
