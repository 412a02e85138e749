// Turns a path a skill passed into the real path the permission check and the operation use.
// The operation always runs on the returned path, never on the skill's string, so what was
// checked is what is touched. What the skill is told names its own string, never the real path:
// a denial of /proc/self/cwd must not say where the host's working folder is.
import { lstatSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { quote } from "../../../policy/decide.ts";
import { withPermission } from "./guard.ts";
import { HostDenied, HostError, type HostContext } from "./types.ts";

const MAX_LINK_HOPS = 40;

/** The absolute path `input` names: `~` expanded, `..` resolved lexically, no link followed. */
export function lexicalSkillPath(input: unknown, home: string): string {
  if (typeof input !== "string" || input === "") throw new HostError("path must be a non-empty string", "invalid_params");
  if (input.includes("\0")) throw new HostError("path must not contain NUL bytes", "invalid_params");
  let p = input;
  if (p === "~" || p.startsWith("~/")) p = home + p.slice(1);
  if (!isAbsolute(p)) {
    throw new HostError(
      `path "${input.length > 200 ? input.slice(0, 200) + "…" : input}" is relative; pass an absolute path or one starting with ~/ (skills have no working directory)`,
      "invalid_params",
    );
  }
  return resolve(p);
}

/**
 * Whether `input` ends in "/" (or "/."), so it names a folder. resolve() drops that ending, so
 * it is read from the string the skill gave: "~/notes.txt/" must not reach the file.
 */
export function namesFolder(input: string): boolean {
  return input.endsWith("/") || input.endsWith("/.");
}

/** A real path as a skill would write it: `~/…` inside the home (as given or as its real
 *  path, which differ when the home is reached through a link), else unchanged. */
export function tildePath(path: string, home: string): string {
  let realHome = home;
  try {
    realHome = realpathSync(home);
  } catch {
    // no such home: only the path as given can match
  }
  for (const h of new Set([realHome, home])) {
    if (h === "/" || h === "") continue;
    if (path === h) return "~";
    if (path.startsWith(h + "/")) return "~" + path.slice(h.length);
  }
  return path;
}

/**
 * `followFinalLink`: true for reads, writes and mkdir (writing through a link is judged by
 * where it points); false for remove, which deletes the link itself and never its target.
 * `..` is resolved lexically before symlinks; since we then operate on the result, that is safe.
 */
export function realSkillPath(input: unknown, home: string, followFinalLink = true): string {
  return realOf(lexicalSkillPath(input, home), followFinalLink, input as string);
}

/** The real path of a lexical path; a failure (a link loop, EACCES) is a HostError naming `shown`. */
function realOf(lexical: string, followFinalLink: boolean, shown: string): string {
  let real: string;
  try {
    const parent = dirname(lexical);
    real = followFinalLink || parent === lexical ? realpathLoose(lexical, 0) : resolve(realpathLoose(parent, 0), basename(lexical));
  } catch (err) {
    throw fsError(err, shown);
  }
  // /proc/self/fd/N of a pipe or socket "resolves" to "pipe:[123]": there is no file there.
  if (!isAbsolute(real)) throw new HostError(`${shown}: no such file or directory`, "not_found");
  return real;
}

/** realpath for paths that may not exist yet: resolve the deepest existing part, append the rest. */
function realpathLoose(p: string, hops: number): string {
  try {
    return realpathSync(p);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  if (hops > MAX_LINK_HOPS) throw Object.assign(new Error("too many symbolic links"), { code: "ELOOP" });
  // A dangling link as the final component: follow it to where it would write.
  const link = readLinkIfAny(p);
  if (link !== undefined) return realpathLoose(resolve(dirname(p), link), hops + 1);
  const parent = dirname(p);
  if (parent === p) return p;
  return resolve(realpathLoose(parent, hops), basename(p));
}

function readLinkIfAny(p: string): string | undefined {
  try {
    return lstatSync(p).isSymbolicLink() ? readlinkSync(p) : undefined;
  } catch {
    return undefined;
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Maps a node fs error to a HostError that names the path but not internals. */
export function fsError(err: unknown, path: string): HostError {
  if (err instanceof HostError) return err;
  const code = (err as { code?: string }).code ?? "";
  const msg: Record<string, [string, string]> = {
    ENOENT: ["no such file or directory", "not_found"],
    ENOTDIR: ["not a directory", "not_found"],
    EISDIR: ["is a directory", "invalid_params"],
    EEXIST: ["already exists", "invalid_params"],
    ENOTEMPTY: ["directory is not empty", "invalid_params"],
    EACCES: ["the operating system refused access", "host_error"],
    EPERM: ["the operating system refused the operation", "host_error"],
    ELOOP: ["too many symbolic links", "invalid_params"],
  };
  const [text, c] = msg[code] ?? [`file operation failed (${code || "unknown error"})`, "host_error"];
  return new HostError(`${path}: ${text}`, c);
}

/**
 * `then(path)` on the real path of `input`, once `kind` is allowed for it: at once when the
 * policy already allows it (the result reaches the skill with no event-loop turn), after the
 * user's answer when it must ask. A failed operation becomes the HostError fsError names.
 * A path that cannot be resolved (a link loop, a folder the OS will not enter) is judged as
 * written: outside the grants it is the same denial as any other path there, so the error is no
 * oracle for what lies outside them. A denial is recorded (and a prompt asked) with the path that
 * was judged, the real one, so the audit and the user see what would be touched; the message
 * the skill gets names the path as the skill gave it.
 */
export function onPath<T>(
  ctx: HostContext, kind: "read" | "write", input: unknown, then: (path: string) => T, followFinalLink = true,
): T | Promise<Awaited<T>> {
  const lexical = lexicalSkillPath(input, ctx.home);
  const shown = input as string;
  let path: string;
  try {
    path = realOf(lexical, followFinalLink, shown);
  } catch (err) {
    return asGiven(shown, lexical, () =>
      withPermission(ctx, { kind, value: lexical }, () => {
        throw err;
      }),
    );
  }
  return asGiven(shown, path, () =>
    withPermission(ctx, { kind, value: path }, () => {
      try {
        if (namesFolder(shown)) mustBeFolder(path);
        return then(path);
      } catch (err) {
        throw fsError(err, path);
      }
    }),
  );
}

/** A path given with a trailing "/" that exists must be a folder, as the OS would say. Checked
 *  after the permission, so the answer says nothing about paths outside the grants. */
function mustBeFolder(path: string): void {
  let folder = true;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    return; // missing: the operation itself says so (or, for mkdir, creates it)
  }
  if (!folder) throw new HostError(`${path}: not a directory`, "not_found");
}

/** Runs `f`; a denial it throws or rejects with names `shown` where its reason named `judged`. */
function asGiven<R>(shown: string, judged: string, f: () => R): R {
  if (shown === judged) return f();
  const retell = (err: unknown) =>
    err instanceof HostDenied ? new HostDenied({ ...err.decision, reason: renamed(err.decision.reason, judged, shown) }, err.request) : err;
  let result: R;
  try {
    result = f();
  } catch (err) {
    throw retell(err);
  }
  return result instanceof Promise ? (result.catch((err: unknown) => Promise.reject(retell(err))) as R) : result;
}

/**
 * `text` with `from` replaced by `to` where it stands as a quoted value: whole (`"${path}"`,
 * as guard.ts writes it) or as policy/quote.ts shows it (cut at 60 characters). One pass, so
 * the replacement is never replaced again.
 */
function renamed(text: string, from: string, to: string): string {
  const pairs: [string, string][] = [[`"${from}"`, `"${to}"`], [quote(from), quote(to)]];
  const swap = (s: string, i: number): string => {
    const pair = pairs[i];
    return pair === undefined ? s : s.split(pair[0]).map((part) => swap(part, i + 1)).join(pair[1]);
  };
  return swap(text, 0);
}
