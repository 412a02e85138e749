// Finds the program a skill asked for through the HOST's PATH (never a PATH the skill chose),
// so a grant of `git` means the git the user has, and the process started is exactly that file:
// its real path, found once here, is what is judged and what is started, so a link swapped
// after the check does not change which file starts.
import { accessSync, constants, existsSync, realpathSync, statSync } from "node:fs";
import { basename, isAbsolute, join, normalize } from "node:path";
import { HostError } from "./types.ts";

export interface ResolvedCommand {
  /** The command's name (basename), as a `run` grant by name is written. */
  name: string;
  /** The absolute path as given or found on PATH (links not resolved). */
  path: string;
  /** `path` with every symbolic link resolved: the file that is executed. */
  real: string;
  /** True when `name` looked up on the host's PATH is this file, so a grant by name applies. */
  viaPath: boolean;
}

export function resolveCommand(cmd: unknown, hostPath = process.env.PATH ?? ""): ResolvedCommand {
  if (typeof cmd !== "string" || cmd === "") throw new HostError("shell.run expects a command name or absolute path", "invalid_params");
  if (cmd.includes("\0")) throw new HostError("command must not contain NUL bytes", "invalid_params");
  if (cmd.includes("/")) {
    if (!isAbsolute(cmd)) throw new HostError(`command "${cmd}" is a relative path; pass a name found on PATH or an absolute path`, "invalid_params");
    const path = normalize(cmd);
    const real = isExecutableFile(path) ? realPathOf(path) : undefined;
    if (real === undefined) throw new HostError(`${path}: not an executable file${existsSync(path) ? "" : argsHint(cmd)}`, "not_found");
    const name = basename(path);
    const onPath = lookupOnPath(name, hostPath);
    // The same file under the same name (/bin/git when PATH finds /usr/bin/git, /bin → /usr/bin).
    return { name, path, real, viaPath: onPath !== undefined && (onPath === path || realPathOf(onPath) === real) };
  }
  const found = lookupOnPath(cmd, hostPath);
  const real = found === undefined ? undefined : realPathOf(found);
  if (found === undefined || real === undefined) throw new HostError(`command "${cmd}" was not found on the host's PATH${argsHint(cmd)}`, "not_found");
  return { name: cmd, path: found, real, viaPath: true };
}

/** A command line passed as the command ("ls -la"): say where its arguments belong. Quotes,
 *  pipes and the like are not split into a misleading argv: that text wants a shell. */
function argsHint(cmd: string): string {
  const words = cmd.trim().split(/\s+/);
  if (words.length < 2) return "";
  if (/[|&;<>()$`'"\\*?]/.test(cmd)) return `; it is a shell command line, and no shell is involved: run it as shell.run("sh", ["-c", ${JSON.stringify(cmd)}]) with run access to sh`;
  const [name, ...args] = words as [string, ...string[]];
  return `; put arguments in args: shell.run(${JSON.stringify(name)}, ${JSON.stringify(args)})`;
}

function realPathOf(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** Relative and empty PATH entries are skipped: they would depend on a working directory. */
export function lookupOnPath(name: string, hostPath: string): string | undefined {
  for (const dir of hostPath.split(":")) {
    if (dir === "" || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
