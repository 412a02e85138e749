// HOST_API.shell.run(cmd, args, {cwd, stdin, timeoutMs}): an argv array, never a shell string.
// The command is found on the host's PATH and judged by name, resolved path and real path; the
// child gets only the environment variables the skill may read.
import type { PermissionDecision, PermissionRequest } from "../../contracts/permissions.ts";
import type { RunRequest } from "../../../policy/index.ts";
import { asDecision, checkFailed, safeCheck, settle } from "./guard.ts";
import { fsError, onPath } from "./paths.ts";
import { runProcess, type Captured } from "./process-runner.ts";
import { dropCutSecretEnd, dropCutSecretStart, redactText, secretValues } from "./redact.ts";
import { resolveCommand, type ResolvedCommand } from "./shell-resolve.ts";
import { HostError, type HostContext, type HostFn } from "./types.ts";
import { statSync } from "node:fs";

/** PATH for the child when the skill may not read the host's own. */
export const MINIMAL_PATH = "/usr/local/bin:/usr/bin:/bin";

const run: HostFn = async (ctx, [cmd, args, options]) => {
  const argv = parseArgs(args);
  const opts = parseOptions(options);
  const command = resolveCommand(cmd);
  await requireRun(ctx, command);
  const cwd = await checkedCwd(ctx, opts.cwd);
  const timeoutMs = Math.min(opts.timeoutMs ?? Number.POSITIVE_INFINITY, ctx.deadline - Date.now());
  if (!(timeoutMs > 0)) throw new HostError("shell.run: the call has no time left", "timeout");
  const result = await runProcess({ path: command.real, argv0: command.name, args: argv, cwd, env: scrubbedEnv(ctx), stdin: opts.stdin, timeoutMs });
  const secrets = secretValues(ctx);
  const stdout = shown(result.stdout, secrets);
  const stderr = shown(result.stderr, secrets);
  const cut: { stdout?: StreamCut; stderr?: StreamCut } = {};
  if (stdout.cut) cut.stdout = stdout.cut;
  if (stderr.cut) cut.stderr = stderr.cut;
  return { code: result.code, stdout: stdout.text, stderr: stderr.text, ...(stdout.cut || stderr.cut ? { cut } : {}) };
};

/** What a skill learns of a stream whose middle was dropped: how many characters at the start
 *  of the string are its real start (`head`) and at the end its real end (`tail`), and the
 *  whole stream's characters and lines. */
export interface StreamCut {
  head: number;
  tail: number;
  chars: number;
  lines: number;
}

export const cutMarker = (chars: number) => `\n[… ${chars} characters cut from the middle …]\n`;

/** Redacted, and for a cut stream the start and end joined by a marker saying what is missing. */
function shown(c: Captured, secrets: string[]): { text: string; cut?: StreamCut } {
  const whole = redactText(c.head, secrets);
  if (!c.cut) return { text: whole };
  const tailWhole = redactText(c.tail, secrets);
  const chars = c.chars + (whole.length - c.head.length) + (tailWhole.length - c.tail.length);
  // A credential across either cut would show in two halves: what is left of it is cut too.
  const head = dropCutSecretEnd(whole, secrets);
  const tail = dropCutSecretStart(tailWhole, secrets);
  return { text: head + cutMarker(Math.max(0, chars - head.length - tail.length)) + tail, cut: { head: head.length, tail: tail.length, chars, lines: c.lines } };
}

/**
 * One decision for the command (policy's checkRun) with everything known of it: the name a
 * grant may use (the name when the host's PATH finds this very file, else the path, so
 * `/tmp/x/git` is not admitted by a grant of `git`), the path it resolved to and that path's
 * real path. The manifest and the grants judge the name or path as written (a path grant also
 * admits the same real file under the same file name); a deny, or `forbidden`, of any of them
 * wins, so a deny of /bin/sh holds for the sh PATH finds at /usr/bin/sh when /bin links there.
 */
async function requireRun(ctx: HostContext, c: ResolvedCommand): Promise<void> {
  const run: RunRequest = { name: c.viaPath ? c.name : c.path, resolvedPath: c.path, realPath: c.real };
  const req: PermissionRequest = { kind: "run", value: run.name };
  let d: PermissionDecision;
  try {
    d = asDecision(ctx.checkRun(run), req);
  } catch {
    d = checkFailed(req);
  }
  return settle(ctx, req, d);
}

async function checkedCwd(ctx: HostContext, cwd: string | undefined): Promise<string> {
  // No working directory was asked for: "/" gives the program nothing of the user's by default.
  if (cwd === undefined) return "/";
  return await onPath(ctx, "read", cwd, (path) => {
    // Reported as fs.readDir reports its folder: missing, or a file in its place, is not_found.
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (err) {
      throw fsError(err, `shell.run: cwd ${cwd}`);
    }
    if (!isDir) throw new HostError(`shell.run: cwd ${cwd} is not a directory`, "not_found");
    return path;
  });
}

/** Only variables the skill may read with env.get (no prompting here), plus a PATH. */
function scrubbedEnv(ctx: HostContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    if (safeCheck(ctx, { kind: "env", value: name }).decision === "allow") env[name] = value;
  }
  env.PATH ??= MINIMAL_PATH;
  return env;
}

function parseArgs(args: unknown): string[] {
  if (args === undefined || args === null) return [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) {
    throw new HostError("shell.run expects args as an array of strings (no shell string is ever interpreted)", "invalid_params");
  }
  if (args.some((a) => a.includes("\0"))) throw new HostError("shell.run: arguments must not contain NUL bytes", "invalid_params");
  return args;
}

interface RunOptions {
  cwd?: string;
  stdin?: Uint8Array;
  timeoutMs?: number;
}

function parseOptions(options: unknown): RunOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) throw new HostError("shell.run: options must be an object", "invalid_params");
  const o = options as Record<string, unknown>;
  const out: RunOptions = {};
  if (o.cwd !== undefined && o.cwd !== null) {
    if (typeof o.cwd !== "string") throw new HostError("shell.run: cwd must be a string", "invalid_params");
    out.cwd = o.cwd;
  }
  if (o.stdin !== undefined && o.stdin !== null) {
    if (typeof o.stdin === "string") out.stdin = new TextEncoder().encode(o.stdin);
    else if (o.stdin instanceof Uint8Array) out.stdin = o.stdin;
    else throw new HostError("shell.run: stdin must be a string or a Uint8Array", "invalid_params");
  }
  if (o.timeoutMs !== undefined && o.timeoutMs !== null) {
    if (typeof o.timeoutMs !== "number" || !(o.timeoutMs > 0)) throw new HostError("shell.run: timeoutMs must be a positive number", "invalid_params");
    out.timeoutMs = o.timeoutMs;
  }
  return out;
}

export const SHELL = { run } satisfies Record<string, HostFn>;
