// Builds the HostContext for one sandboxed call: the policy engine's decisions, cached per
// (kind, value) for the call and, under a sealed policy, across calls; prompts asked once and
// their answers remembered for this call only.
import type { DeclaredPermissions, PermissionDecision, PermissionRequest } from "../../contracts/permissions.ts";
import { MAX_DENIAL_VALUE_CHARS, MAX_DENIALS_LISTED, type DenialRecord, type SandboxLimits } from "../../contracts/sandbox.ts";
import { checkConfiguredServer, checkPermission, checkResolvedAddress, checkRun, isSealed, type Policy } from "../../../policy/decide.ts";
import { asDecision, checkFailed } from "./guard.ts";
import type { HostContext, ServiceCaller } from "./types.ts";

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
  /** This call's service caller (main-process services, tagged with the call's job); none
   *  outside a sandboxed call, where service calls then fail. */
  services?: ServiceCaller;
}


/**
 * The context plus the denials it recorded, which core copies into the call's outcome: at most
 * MAX_DENIALS_LISTED, the newest always last; `denialCount` counts them all.
 */
export type RecordingHostContext = HostContext & { readonly denials: DenialRecord[]; readonly denialCount: number };

const keyOf = (req: PermissionRequest) => `${req.kind}\0${req.value ?? ""}`;

// Policy decisions outlive a call. The checks are pure in (policy, skill name and declared
// permissions, home, request), and a sealed policy never changes, so a worker decides a request
// once per policy instead of once per call: after an idle spell a check costs 50–150 µs, a
// lookup a few. Only the policy's own answers are kept; a user's approval stays with its call.
const KEPT_MAX = 1024;
const kept = new WeakMap<Policy, Map<string, PermissionDecision>>();

function keptFor(policy: Policy): Map<string, PermissionDecision> | undefined {
  if (!isSealed(policy)) return undefined;
  let m = kept.get(policy);
  if (!m) kept.set(policy, (m = new Map()));
  return m;
}

export function createHostContext(opts: HostContextOptions): RecordingHostContext {
  const { policy, skill, home } = opts;
  const services = opts.services;
  const decisions = new Map<string, PermissionDecision>();
  const resolved = new Map<string, PermissionDecision>();
  // Answers to prompts, for this call only: a second request for the same value is not re-asked.
  const answers = new Map<string, Promise<boolean>>();
  const syncAnswers = new Map<string, boolean>();
  const denials: DenialRecord[] = [];
  let denialCount = 0;
  const shared = keptFor(policy);
  let who: string | undefined;
  /** The policy's decision for `key`: kept from an earlier call, else `compute`d (and kept). */
  const decide = (key: string, req: PermissionRequest, compute: () => unknown): PermissionDecision => {
    const k = shared ? `${(who ??= `${skill.name}\0${JSON.stringify(skill.permissions)}\0${home}`)}\0${key}` : "";
    const hit = shared?.get(k);
    if (hit) return hit;
    let d: PermissionDecision;
    try {
      d = Object.freeze(asDecision(compute(), req));
    } catch {
      return checkFailed(req); // not kept: decided again next time
    }
    if (shared && d.rule !== "internal") {
      if (shared.size >= KEPT_MAX) shared.clear();
      shared.set(k, d);
    }
    return d;
  };

  const ctx: RecordingHostContext = {
    deadline: opts.deadline,
    home,
    limits: opts.limits,
    credentials: opts.credentials ?? [],
    mail: opts.mail,
    services,
    denials,

    checkServer(value) {
      return decide(`server\0${value}`, { kind: "net", value }, () => checkConfiguredServer(policy, skill, value, { home }));
    },

    check(req) {
      const key = keyOf(req);
      let d = decisions.get(key);
      if (d === undefined) {
        d = decide(`check\0${key}`, req, () => checkPermission(policy, skill, req, { home }));
        decisions.set(key, d);
      }
      return d;
    },

    checkRun(run) {
      const key = `checkRun\0${run.name}\0${run.resolvedPath ?? ""}\0${run.realPath ?? ""}`;
      let d = decisions.get(key);
      if (d === undefined) {
        d = decide(key, { kind: "run", value: run.name }, () => checkRun(policy, skill, run, { home }));
        decisions.set(key, d);
      }
      return d;
    },

    checkResolved(host, port, ip) {
      const key = `${host}\0${port}\0${ip}`;
      let d = resolved.get(key);
      if (d === undefined) {
        const req: PermissionRequest = { kind: "net", value: `${host}:${port}` };
        d = decide(`resolved\0${key}`, req, () => checkResolvedAddress(policy, skill, { host, port }, ip, { home }));
        resolved.set(key, d);
      }
      return d;
    },

    ask(req, decision) {
      // Only a prompt may be asked; a deny or forbidden is never turned into a question.
      if (decision.decision !== "prompt" || !askable(req)) return Promise.resolve(false);
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
      if (decision.decision !== "prompt" || !opts.askSync || !askable(req)) return false;
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

    get denialCount() {
      return denialCount;
    },

    recordDenial(d) {
      denialCount += d.times !== undefined && Number.isSafeInteger(d.times) && d.times > 1 ? d.times : 1;
      // A skill chooses the value (a 1 MB variable name is one call away): keep the record small.
      const value = d.value !== undefined && d.value.length > MAX_DENIAL_VALUE_CHARS ? `${d.value.slice(0, MAX_DENIAL_VALUE_CHARS)}…` : d.value;
      const record = { ...d, value };
      delete record.times;
      if (value === undefined) delete record.value;
      if (denials.length < MAX_DENIALS_LISTED) denials.push(record);
      else denials[denials.length - 1] = record;
    },
  };
  return ctx;
}

/**
 * Whether a person can be asked about `req`: a prompt shows the value whole (what is approved is
 * never hidden), so a value longer than any real path, name or host is refused unasked rather
 * than sent as pages of text to the user's chat.
 */
function askable(req: PermissionRequest): boolean {
  return req.value === undefined || req.value.length <= MAX_PROMPT_VALUE_CHARS;
}

const MAX_PROMPT_VALUE_CHARS = 4096;

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
