// Builds the HostContext for one sandboxed call: the policy engine's decisions, cached per
// (kind, value) for this call only, with prompts asked once and their answers remembered.
import type { DeclaredPermissions, PermissionDecision, PermissionRequest } from "../../contracts/permissions.ts";
import type { DenialRecord, SandboxLimits } from "../../contracts/sandbox.ts";
import { checkConfiguredServer, checkPermission, checkResolvedAddress, type Policy } from "../../../policy/index.ts";
import { asDecision, checkFailed } from "./guard.ts";
import type { HostContext } from "./types.ts";

export interface HostContextOptions {
  policy: Policy;
  skill: { name: string; permissions: DeclaredPermissions };
  home: string;
  limits: SandboxLimits;
  deadline: number;
  credentials?: HostContext["credentials"];
  mail?: HostContext["mail"];
  ask: HostContext["ask"];
  askSync?: (req: PermissionRequest, decision: PermissionDecision, deadline: number) => boolean;
}

/** The context plus the denials it recorded, which core copies into the call's outcome. */
export type RecordingHostContext = HostContext & { readonly denials: DenialRecord[] };

const keyOf = (req: PermissionRequest) => `${req.kind}\0${req.value ?? ""}`;

export function createHostContext(opts: HostContextOptions): RecordingHostContext {
  const { policy, skill, home } = opts;
  const decisions = new Map<string, PermissionDecision>();
  const resolved = new Map<string, PermissionDecision>();
  // Answers to prompts, for this call only: a second request for the same value is not re-asked.
  const answers = new Map<string, Promise<boolean>>();
  const syncAnswers = new Map<string, boolean>();
  const denials: DenialRecord[] = [];

  const ctx: RecordingHostContext = {
    deadline: opts.deadline,
    home,
    limits: opts.limits,
    credentials: opts.credentials ?? [],
    mail: opts.mail,
    denials,

    checkServer(value) {
      const req: PermissionRequest = { kind: "net", value };
      try {
        return asDecision(checkConfiguredServer(policy, skill, value, { home }), req);
      } catch {
        return checkFailed(req);
      }
    },

    check(req) {
      const key = keyOf(req);
      let d = decisions.get(key);
      if (d === undefined) {
        try {
          d = asDecision(checkPermission(policy, skill, req, { home }), req);
        } catch {
          d = checkFailed(req);
        }
        decisions.set(key, d);
      }
      return d;
    },

    checkResolved(host, port, ip) {
      const key = `${host}\0${port}\0${ip}`;
      let d = resolved.get(key);
      if (d === undefined) {
        const req: PermissionRequest = { kind: "net", value: `${host}:${port}` };
        try {
          d = asDecision(checkResolvedAddress(policy, skill, { host, port }, ip, { home }), req);
        } catch {
          d = checkFailed(req);
        }
        resolved.set(key, d);
      }
      return d;
    },

    ask(req, decision) {
      // Only a prompt may be asked; a deny or forbidden is never turned into a question.
      if (decision.decision !== "prompt") return Promise.resolve(false);
      const key = keyOf(req);
      let answer = answers.get(key);
      if (answer === undefined) {
        answer = askUntilDeadline(opts.ask, req, decision, opts.deadline);
        answers.set(key, answer);
        answer.then((yes) => {
          if (yes) decisions.set(key, { decision: "allow", rule: decision.rule, reason: "approved by the user for this call" });
        });
      }
      return answer;
    },

    askSync(req, decision) {
      if (decision.decision !== "prompt" || !opts.askSync) return false;
      const key = keyOf(req);
      let yes = syncAnswers.get(key);
      if (yes === undefined) {
        try {
          yes = opts.askSync(req, decision, opts.deadline) === true;
        } catch {
          yes = false;
        }
        syncAnswers.set(key, yes);
        if (yes) decisions.set(key, { decision: "allow", rule: decision.rule, reason: "approved by the user for this call" });
      }
      return yes;
    },

    recordDenial(d) {
      denials.push({ ...d });
    },
  };
  return ctx;
}

/** Anything but a clear `true` before the call's deadline is a no. */
async function askUntilDeadline(
  ask: HostContext["ask"],
  req: PermissionRequest,
  decision: PermissionDecision,
  deadline: number,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    const answer = await Promise.race([Promise.resolve().then(() => ask(req, decision)), expired]);
    return answer === true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
