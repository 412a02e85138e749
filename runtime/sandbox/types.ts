// The job a caller hands the pool, and the messages between the pool and its workers.
// Everything here is plain data: it crosses a worker boundary by structured clone.
import type { DeclaredPermissions, PermissionDecision, PermissionRequest } from "../contracts/permissions.ts";
import type { SandboxLimits, SandboxOutcome } from "../contracts/sandbox.ts";
import type { Policy } from "../../policy/index.ts";
import type { HostContext } from "./host/types.ts";

export interface SandboxJob {
  skill: { name: string; version: string; dir: string; implementation: string; permissions: DeclaredPermissions };
  params: unknown;
  policy: Policy;
  limits: SandboxLimits;
  home: string;
  credentials?: HostContext["credentials"];
}

/** Main → worker. */
export type ToWorker =
  | { type: "run"; id: number; job: SandboxJob; deadline: number }
  | { type: "answer"; id: number; askId: number; allow: boolean };

/** Worker → main. */
export type FromWorker =
  | { type: "ready" }
  | {
      type: "ask"; id: number; askId: number; request: PermissionRequest; decision: PermissionDecision;
      /** Present when the worker is blocked waiting (a synchronous host call): answer through it.
       *  Int32 slot 0: 0 pending, 1 answered; slot 1: 1 allow, 0 deny. */
      sync?: SharedArrayBuffer;
    }
  | { type: "done"; id: number; outcome: SandboxOutcome; recycle: boolean };
