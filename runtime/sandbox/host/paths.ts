// Turns a path a skill passed into the real path the permission check and the operation use.
// The operation always runs on the returned path, never on the skill's string, so what was
// checked is what is touched.
import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { withPermission } from "./guard.ts";
import { HostError, type HostContext } from "./types.ts";

const MAX_LINK_HOPS = 40;

/**
 * `followFinalLink`: true for reads, writes and mkdir (writing through a link is judged by
 * where it points); false for remove, which deletes the link itself and never its target.
 * `..` is resolved lexically before symlinks; since we then operate on the result, that is safe.
 */
export function realSkillPath(input: unknown, home: string, followFinalLink = true): string {
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
  const lexical = resolve(p);
  if (followFinalLink) return realpathLoose(lexical, 0);
  const parent = dirname(lexical);
  return parent === lexical ? lexical : resolve(realpathLoose(parent, 0), basename(lexical));
}

/** realpath for paths that may not exist yet: resolve the deepest existing part, append the rest. */
function realpathLoose(p: string, hops: number): string {
  try {
    return realpathSync(p);
  } catch (err) {
    if (!isMissing(err)) throw fsError(err, p);
  }
  if (hops > MAX_LINK_HOPS) throw new HostError(`too many symbolic links resolving "${p}"`, "invalid_params");
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
 */
export function onPath<T>(
  ctx: HostContext, kind: "read" | "write", input: unknown, then: (path: string) => T, followFinalLink = true,
): T | Promise<Awaited<T>> {
  const path = realSkillPath(input, ctx.home, followFinalLink);
  return withPermission(ctx, { kind, value: path }, () => {
    try {
      return then(path);
    } catch (err) {
      throw fsError(err, path);
    }
  });
}
