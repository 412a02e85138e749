// A cache of successful parses, keyed by the policy text and by the parser's own source files,
// so an edited policy or an upgraded Moltbot never reads a stale entry. Errors are never cached:
// a broken file is parsed (and reported) every time. Any cache problem falls back to parsing.
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../runtime/contracts/write-atomic.ts";
import { parsePolicy } from "./parse-lazy.ts";
import type { Policy } from "./types.ts";

let parserStamp: string | null = null;

/** Changes whenever any file of policy/ changes (size or mtime). */
function stamp(): string {
  if (parserStamp) return parserStamp;
  const h = new Bun.CryptoHasher("sha256");
  for (const name of readdirSync(import.meta.dir).sort()) {
    if (!name.endsWith(".ts")) continue;
    const st = statSync(join(import.meta.dir, name));
    h.update(`${name}:${st.size}:${st.mtimeMs}\n`);
  }
  parserStamp = h.digest("hex");
  return parserStamp;
}

export function parsePolicyCached(text: string, file: string, cacheDir?: string): Policy {
  if (!cacheDir) return parsePolicy(text, file);
  let key: string | null = null;
  try {
    key = new Bun.CryptoHasher("sha256").update(stamp()).update("\0").update(file).update("\0").update(text).digest("hex");
    const cached = JSON.parse(readFileSync(entryPath(cacheDir, key), "utf8")) as { key: string; policy: Policy };
    if (cached.key === key) return cached.policy;
  } catch {
    // a miss or an unreadable entry: parse below
  }
  const policy = parsePolicy(text, file);
  if (key) writeCache(cacheDir, key, policy);
  return policy;
}

const entryPath = (dir: string, key: string) => join(dir, `policy-${key.slice(0, 32)}.json`);

function writeCache(dir: string, key: string, policy: Policy): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(entryPath(dir, key), JSON.stringify({ key, policy }));
  } catch {
    // caching is an optimisation; a read-only home still works
  }
}
