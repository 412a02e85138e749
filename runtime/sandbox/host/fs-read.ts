// fs.readTextFile / readFile / readDir / stat: need `read` on the real path. readFile takes an
// optional byte range ({ offset, length }), so a skill that shows the start of a big file does
// not copy all of it into the sandbox.
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync, type Stats } from "node:fs";
import { onPath } from "./paths.ts";
import { HostError, type HostContext, type HostFn } from "./types.ts";

/**
 * Largest file a read returns: 64 MiB, and never more than the sandbox's memory limit, since
 * a bigger value could not be held inside the sandbox anyway.
 */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

export function readCap(ctx: HostContext): number {
  return Math.min(MAX_READ_BYTES, ctx.limits.memoryBytes);
}

/** fs.readFile's optional second argument: a byte range, clamped to the file. */
interface ReadRange {
  offset: number;
  length: number;
}

function rangeOf(input: unknown): ReadRange {
  if (input === undefined || input === null) return { offset: 0, length: Infinity };
  if (typeof input !== "object" || Array.isArray(input)) throw new HostError("fs.readFile: options must be an object like { offset, length }", "invalid_params");
  const { offset = 0, length = Infinity, ...rest } = input as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new HostError(`fs.readFile: unknown option "${extra[0]}"; expected offset and length`, "invalid_params");
  const whole = (v: unknown) => typeof v === "number" && v >= 0 && (Number.isSafeInteger(v) || v === Infinity);
  if (!whole(offset) || offset === Infinity) throw new HostError("fs.readFile: offset must be a whole number of bytes ≥ 0", "invalid_params");
  if (!whole(length)) throw new HostError("fs.readFile: length must be a whole number of bytes ≥ 0", "invalid_params");
  return { offset: offset as number, length: length as number };
}

/**
 * Only regular files are read: a named pipe blocks a read until some other program writes to
 * it, so the call would wait out its timeout, and a device may never end. /proc files are
 * regular (of size 0) and are read.
 */
function notRegular(path: string, s: Stats | undefined): HostError {
  const kind = s === undefined ? "a special file" : s.isSocket() ? "a socket" : s.isFIFO() ? "a named pipe (FIFO)" : s.isCharacterDevice() || s.isBlockDevice() ? "a device" : "a special file";
  return new HostError(`${path}: is ${kind}, not a regular file; only regular files are read`, "invalid_params");
}

/** Opens `path` for reading without ever blocking: O_NONBLOCK, so a FIFO (even one swapped in
 *  after a stat) is refused at once instead of waiting for a writer. */
function openRegular(path: string): { fd: number; info: Stats } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    // open(2) fails with ENXIO on a Unix socket (and a device without a driver).
    if ((err as { code?: string }).code === "ENXIO") throw notRegular(path, statSync(path, { throwIfNoEntry: false }));
    throw err;
  }
  const info = fstatSync(fd);
  if (info.isFile()) return { fd, info };
  closeSync(fd);
  if (info.isDirectory()) throw new HostError(`${path}: is a directory`, "invalid_params");
  throw notRegular(path, info);
}

// Synchronous on purpose (so are stat and readDir): this worker thread serves one call at a
// time, and four syscalls cost a fraction of four thread-pool round trips (0.1 vs 0.35 ms for
// 1 MB). Nothing here blocks: openRegular refuses FIFOs and devices before any read.
function readBytes(ctx: HostContext, path: string, range: ReadRange = { offset: 0, length: Infinity }): Uint8Array {
  const cap = readCap(ctx);
  const { fd, info } = openRegular(path);
  try {
    const want = Math.min(range.length, cap + 1);
    // Read up to cap+1 bytes whatever stat says: a file may grow, and /proc files report 0.
    const guess = info.size > 0 ? Math.max(0, info.size - range.offset) + 1 : 64 * 1024;
    let chunk = new Uint8Array(Math.min(want, guess));
    let total = 0;
    for (;;) {
      if (total === chunk.length) {
        if (chunk.length >= want) break;
        const bigger = new Uint8Array(Math.min(want, chunk.length * 2));
        bigger.set(chunk);
        chunk = bigger;
      }
      const n = readSync(fd, chunk, total, chunk.length - total, range.offset + total);
      if (n === 0) break;
      total += n;
    }
    if (total > cap) throw new HostError(`${path}: file is larger than the ${cap}-byte read limit`, "output_limit");
    return chunk.subarray(0, total);
  } finally {
    closeSync(fd);
  }
}

const readFile: HostFn = (ctx, [input, options]) => {
  const range = rangeOf(options);
  return onPath(ctx, "read", input, (path) => readBytes(ctx, path, range));
};

const readTextFile: HostFn = (ctx, [input]) => onPath(ctx, "read", input, (path) => new TextDecoder().decode(readBytes(ctx, path)));

const readDir: HostFn = (ctx, [input]) =>
  onPath(ctx, "read", input, (path) =>
    readdirSync(path, { withFileTypes: true }).map((e) => ({
      name: e.name,
      isFile: e.isFile(),
      isDirectory: e.isDirectory(),
      isSymlink: e.isSymbolicLink(),
    })));

const statFn: HostFn = (ctx, [input]) =>
  onPath(ctx, "read", input, (path) => {
    const s = statSync(path);
    return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, mtimeMs: s.mtimeMs };
  });

export const FS_READ = { readFile, readTextFile, readDir, stat: statFn } satisfies Record<string, HostFn>;
