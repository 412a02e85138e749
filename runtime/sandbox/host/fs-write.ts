// fs.writeTextFile / writeFile / mkdir / remove: need `write` on the real path. Writes are
// atomic (temp file in the same directory, fsync, rename), so a reader never sees half a file.
import { randomBytes } from "node:crypto";
import { lstat, mkdir, open, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { requirePermission } from "./guard.ts";
import { MAX_READ_BYTES } from "./fs-read.ts";
import { fsError, realSkillPath } from "./paths.ts";
import { HostError, type HostContext, type HostFn } from "./types.ts";

async function writablePath(ctx: HostContext, input: unknown, followFinalLink = true): Promise<string> {
  const path = realSkillPath(input, ctx.home, followFinalLink);
  await requirePermission(ctx, { kind: "write", value: path });
  return path;
}

function flag(options: unknown, name: string): boolean {
  if (options === undefined || options === null) return false;
  if (typeof options !== "object") throw new HostError("options must be an object", "invalid_params");
  return (options as Record<string, unknown>)[name] === true;
}

export async function atomicWrite(path: string, data: Uint8Array): Promise<void> {
  if (data.byteLength > MAX_READ_BYTES) throw new HostError(`${path}: data is larger than ${MAX_READ_BYTES} bytes`, "output_limit");
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  let mode = 0o644;
  try {
    const existing = await stat(path);
    if (existing.isDirectory()) throw new HostError(`${path}: is a directory`, "invalid_params");
    mode = existing.mode & 0o7777;
  } catch (err) {
    if (err instanceof HostError) throw err;
  }
  try {
    const fh = await open(tmp, "wx", mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw fsError(err, path);
  }
  await syncDir(dir);
}

/** Makes the rename durable; some filesystems refuse to fsync a directory, which is harmless. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort
  }
}

const writeFile: HostFn = async (ctx, [input, data]) => {
  if (!(data instanceof Uint8Array)) throw new HostError("writeFile expects a Uint8Array", "invalid_params");
  await atomicWrite(await writablePath(ctx, input), data);
};

const writeTextFile: HostFn = async (ctx, [input, text]) => {
  if (typeof text !== "string") throw new HostError("writeTextFile expects a string", "invalid_params");
  await atomicWrite(await writablePath(ctx, input), new TextEncoder().encode(text));
};

const mkdirFn: HostFn = async (ctx, [input, options]) => {
  const recursive = flag(options, "recursive");
  const path = await writablePath(ctx, input);
  try {
    await mkdir(path, { recursive });
  } catch (err) {
    throw fsError(err, path);
  }
};

const remove: HostFn = async (ctx, [input, options]) => {
  const recursive = flag(options, "recursive");
  // The final component is not followed: removing a link removes the link, never its target.
  const path = await writablePath(ctx, input, false);
  try {
    const s = await lstat(path);
    // Like Deno: an empty directory goes without `recursive`, a non-empty one needs it.
    if (s.isDirectory() && !recursive) await rmdir(path);
    else await rm(path, { recursive, force: false });
  } catch (err) {
    throw fsError(err, path);
  }
};

export const FS_WRITE = { writeFile, writeTextFile, mkdir: mkdirFn, remove } satisfies Record<string, HostFn>;
