// fs.writeTextFile / writeFile / appendFile / mkdir / remove: need `write` on the real path.
// Writes are atomic (temp file in the same directory, fsync, rename), so a reader never sees half
// a file; appends open the file with O_APPEND, so they cost what they add and do not race.
// Synchronous syscalls, as fs reads (fs-read.ts): this worker serves one call at a time, and a
// dozen thread-pool round trips cost more than the syscalls; asking the user stays async.
import {
  accessSync, closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync,
  statSync, unlinkSync, writeSync, type Stats,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { syncDir } from "../../contracts/write-atomic.ts";
import { MAX_READ_BYTES } from "./fs-read.ts";
import { lexicalSkillPath, namesFolder, onPath, realSkillPath, tildePath } from "./paths.ts";
import { HostError, type HostContext, type HostFn } from "./types.ts";

/** A temp file of ours older than this was left by a killed write; the next write beside it removes it. */
const STALE_TEMP_MS = 60 * 60 * 1000;
const TEMP_TAIL = /^[0-9a-f]{12}\.moltbot\.tmp$/;

function flag(options: unknown, name: string): boolean {
  if (options === undefined || options === null) return false;
  if (typeof options !== "object") throw new HostError("options must be an object", "invalid_params");
  return (options as Record<string, unknown>)[name] === true;
}

function statIfAny(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * Only a regular file is replaced or appended to: renaming over a FIFO or a device node would
 * turn it into a plain file. A file nobody may write (mode 0444) is refused even for root, for
 * whom access() always says yes: someone marked it read-only, as `echo >` as a user would respect.
 */
function mustBeWritableFile(path: string, s: Stats): void {
  if (s.isDirectory()) throw new HostError(`${path}: is a directory`, "invalid_params");
  if (!s.isFile()) {
    const kind = s.isFIFO() ? "a named pipe (FIFO)" : s.isSocket() ? "a socket" : s.isCharacterDevice() || s.isBlockDevice() ? "a device" : "a special file";
    throw new HostError(`${path}: is ${kind}, not a regular file; only regular files are written`, "invalid_params");
  }
  const mode = (s.mode & 0o7777).toString(8).padStart(4, "0");
  if ((s.mode & 0o222) === 0) throw new HostError(`${path}: is read-only (mode ${mode}); make it writable first if it should change`, "invalid_params");
  try {
    accessSync(path, constants.W_OK);
  } catch {
    throw new HostError(`${path}: is not writable by this user (mode ${mode})`, "host_error");
  }
}

/** ENOENT when creating in `dir`: the folder is missing, which is what the user needs to hear. */
function missingFolder(err: unknown, path: string): unknown {
  if ((err as { code?: string }).code !== "ENOENT") return err;
  return new HostError(`${path}: no such file or directory (the folder ${dirname(path)} does not exist)`, "not_found");
}

/** The start of our temp names for `path`'s file; cut so that name and suffix fit NAME_MAX. */
function tempPrefix(path: string): string {
  const base = basename(path);
  return `.${base.length > 60 ? base.slice(0, 60) : base}.`;
}

function atomicWrite(path: string, data: Uint8Array): void {
  if (data.byteLength > MAX_READ_BYTES) throw new HostError(`${path}: data is larger than ${MAX_READ_BYTES} bytes`, "output_limit");
  const dir = dirname(path);
  const prefix = tempPrefix(path);
  const tmp = join(dir, `${prefix}${Buffer.from(crypto.getRandomValues(new Uint8Array(6))).toString("hex")}.moltbot.tmp`);
  let mode = 0o644;
  const existing = statIfAny(path);
  if (existing !== undefined) {
    mustBeWritableFile(path, existing);
    mode = existing.mode & 0o7777;
  }
  try {
    let fd: number;
    try {
      fd = openSync(tmp, "wx", mode);
    } catch (err) {
      throw missingFolder(err, path);
    }
    try {
      for (let at = 0; at < data.byteLength; ) at += writeSync(fd, data, at, data.byteLength - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw err;
  }
  syncDir(dir);
  sweepStaleTemps(dir, prefix);
}

/**
 * A write killed mid-way (SIGKILL, power loss) leaves its temp file. Removes those of this same
 * file: our name pattern, a regular file we own, untouched for an hour (no write takes that
 * long). One names-only directory listing; best effort.
 */
function sweepStaleTemps(dir: string, prefix: string): void {
  try {
    const uid = process.getuid?.();
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(prefix) || !TEMP_TAIL.test(name.slice(prefix.length))) continue;
      const p = join(dir, name);
      const s = lstatSync(p);
      if (s.isFile() && (uid === undefined || s.uid === uid) && Date.now() - s.mtimeMs > STALE_TEMP_MS) unlinkSync(p);
    }
  } catch {
    // best effort: a folder we cannot list keeps its leftovers
  }
}

/** Adds `data` at the end of `path` (created when missing) with O_APPEND; true if it was created. */
function append(path: string, data: Uint8Array): boolean {
  if (data.byteLength > MAX_READ_BYTES) throw new HostError(`${path}: data is larger than ${MAX_READ_BYTES} bytes`, "output_limit");
  const existing = statIfAny(path);
  if (existing !== undefined) mustBeWritableFile(path, existing);
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO swapped in since the stat fails at once rather than hang for a reader.
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
  } catch (err) {
    throw missingFolder(err, path);
  }
  try {
    mustBeWritableFile(path, fstatSync(fd));
    for (let at = 0; at < data.byteLength; ) at += writeSync(fd, data, at, data.byteLength - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (existing === undefined) syncDir(dirname(path));
  return existing === undefined;
}

/**
 * Runs `write` on the real path of `input`, a file. Refused before any check: a path ending in
 * "/" (it names a folder). Refused after the permission check, which judged the link's target:
 * a final component that is a link, since the user confirmed the link's name and not the file
 * that would change; the message names that file, which the skill may write. Returns the path
 * written as the skill gave it, or the real one (`~/…` in the home) when a link led elsewhere.
 */
function writeAt<T extends object>(ctx: HostContext, input: unknown, write: (path: string) => T) {
  const lexical = lexicalSkillPath(input, ctx.home);
  const given = input as string;
  if (namesFolder(given)) throw new HostError(`${given} ends in /, so it names a folder; give a file name`, "invalid_params");
  return onPath(ctx, "write", input, (path) => {
    if (path !== lexical && isLink(realSkillPath(input, ctx.home, false))) {
      const target = tildePath(path, ctx.home);
      throw new HostError(`${given} is a link to ${target}; write to ${target} to change it`, "invalid_params");
    }
    return { path: path === lexical ? given : tildePath(path, ctx.home), ...write(path) };
  });
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

const writeFile: HostFn = (ctx, [input, data]) => {
  if (!(data instanceof Uint8Array)) throw new HostError("writeFile expects a Uint8Array", "invalid_params");
  return writeAt(ctx, input, (path) => (atomicWrite(path, data), {}));
};

const writeTextFile: HostFn = (ctx, [input, text]) => {
  if (typeof text !== "string") throw new HostError("writeTextFile expects a string", "invalid_params");
  return writeAt(ctx, input, (path) => (atomicWrite(path, new TextEncoder().encode(text)), {}));
};

const appendFile: HostFn = (ctx, [input, data]) => {
  if (typeof data !== "string" && !(data instanceof Uint8Array)) throw new HostError("appendFile expects a string or a Uint8Array", "invalid_params");
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return writeAt(ctx, input, (path) => ({ created: append(path, bytes) }));
};

const mkdirFn: HostFn = (ctx, [input, options]) => {
  const recursive = flag(options, "recursive");
  return onPath(ctx, "write", input, (path) => void mkdirSync(path, { recursive }));
};

const remove: HostFn = (ctx, [input, options]) => {
  const recursive = flag(options, "recursive");
  // The final component is not followed: removing a link removes the link, never its target.
  return onPath(ctx, "write", input, (path) => {
    const s = lstatSync(path);
    // Like Deno: an empty directory goes without `recursive`, a non-empty one needs it.
    if (s.isDirectory() && !recursive) rmdirSync(path);
    else rmSync(path, { recursive, force: false });
  }, false);
};

export const FS_WRITE = { writeFile, writeTextFile, appendFile, mkdir: mkdirFn, remove } satisfies Record<string, HostFn>;
