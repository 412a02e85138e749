// fs.readTextFile / readFile / readDir / stat: need `read` on the real path.
import { open, readdir, stat } from "node:fs/promises";
import { requirePermission } from "./guard.ts";
import { fsError, realSkillPath } from "./paths.ts";
import { HostError, type HostContext, type HostFn } from "./types.ts";

/**
 * Largest file a read returns: 64 MiB, and never more than the sandbox's memory limit, since
 * a bigger value could not be held inside the sandbox anyway.
 */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

export function readCap(ctx: HostContext): number {
  return Math.min(MAX_READ_BYTES, ctx.limits.memoryBytes);
}

async function readablePath(ctx: HostContext, input: unknown): Promise<string> {
  const path = realSkillPath(input, ctx.home);
  await requirePermission(ctx, { kind: "read", value: path });
  return path;
}

async function readBytes(ctx: HostContext, input: unknown): Promise<Uint8Array> {
  const path = await readablePath(ctx, input);
  const cap = readCap(ctx);
  try {
    const fh = await open(path, "r");
    try {
      const info = await fh.stat();
      if (info.isDirectory()) throw new HostError(`${path}: is a directory`, "invalid_params");
      // Read up to cap+1 bytes whatever stat says: a file may grow, and /proc files report 0.
      const buf = new Uint8Array(Math.min(cap + 1, info.size > 0 ? info.size + 1 : 64 * 1024));
      let total = 0;
      let chunk = buf;
      for (;;) {
        if (total === chunk.length) {
          if (chunk.length > cap) break;
          const bigger = new Uint8Array(Math.min(cap + 1, chunk.length * 2));
          bigger.set(chunk);
          chunk = bigger;
        }
        const { bytesRead } = await fh.read(chunk, total, chunk.length - total, null);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
      if (total > cap) throw new HostError(`${path}: file is larger than the ${cap}-byte read limit`, "output_limit");
      return chunk.subarray(0, total);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw fsError(err, path);
  }
}

const readFile: HostFn = (ctx, [path]) => readBytes(ctx, path);

const readTextFile: HostFn = async (ctx, [path]) => new TextDecoder().decode(await readBytes(ctx, path));

const readDir: HostFn = async (ctx, [input]) => {
  const path = await readablePath(ctx, input);
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.map((e) => ({
      name: e.name,
      isFile: e.isFile(),
      isDirectory: e.isDirectory(),
      isSymlink: e.isSymbolicLink(),
    }));
  } catch (err) {
    throw fsError(err, path);
  }
};

const statFn: HostFn = async (ctx, [input]) => {
  const path = await readablePath(ctx, input);
  try {
    const s = await stat(path);
    return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, mtimeMs: s.mtimeMs };
  } catch (err) {
    throw fsError(err, path);
  }
};

export const FS_READ = { readFile, readTextFile, readDir, stat: statFn } satisfies Record<string, HostFn>;
