// fs.writeTextFile / writeFile / mkdir / remove: need `write` on the real path. Writes are
// atomic (temp file in the same directory, fsync, rename), so a reader never sees half a file.
// Synchronous syscalls, as fs reads (fs-read.ts): this worker serves one call at a time, and a
// dozen thread-pool round trips cost more than the syscalls; asking the user stays async.
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { MAX_READ_BYTES } from "./fs-read.ts";
import { onPath } from "./paths.ts";
import { HostError, type HostFn } from "./types.ts";

function flag(options: unknown, name: string): boolean {
  if (options === undefined || options === null) return false;
  if (typeof options !== "object") throw new HostError("options must be an object", "invalid_params");
  return (options as Record<string, unknown>)[name] === true;
}

function atomicWrite(path: string, data: Uint8Array): void {
  if (data.byteLength > MAX_READ_BYTES) throw new HostError(`${path}: data is larger than ${MAX_READ_BYTES} bytes`, "output_limit");
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${Buffer.from(crypto.getRandomValues(new Uint8Array(6))).toString("hex")}.tmp`);
  let mode = 0o644;
  try {
    const existing = statSync(path);
    if (existing.isDirectory()) throw new HostError(`${path}: is a directory`, "invalid_params");
    mode = existing.mode & 0o7777;
  } catch (err) {
    if (err instanceof HostError) throw err;
  }
  try {
    const fd = openSync(tmp, "wx", mode);
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
}

/** Makes the rename durable; some filesystems refuse to fsync a directory, which is harmless. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

const writeFile: HostFn = (ctx, [input, data]) => {
  if (!(data instanceof Uint8Array)) throw new HostError("writeFile expects a Uint8Array", "invalid_params");
  return onPath(ctx, "write", input, (path) => atomicWrite(path, data));
};

const writeTextFile: HostFn = (ctx, [input, text]) => {
  if (typeof text !== "string") throw new HostError("writeTextFile expects a string", "invalid_params");
  return onPath(ctx, "write", input, (path) => atomicWrite(path, new TextEncoder().encode(text)));
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

export const FS_WRITE = { writeFile, writeTextFile, mkdir: mkdirFn, remove } satisfies Record<string, HostFn>;
