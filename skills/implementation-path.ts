// The implementation must be a file inside the skill folder. Checked by real path so that
// neither `..` nor a symlink can point the sandbox at code the user never installed. The
// file is only looked at, never read or imported. Whoever loads it later re-checks the real
// path (the folder may change between load and run).
import { lstat, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, posix, sep } from "node:path";
import { invalidManifest } from "./manifest-error.ts";

/** Returns the implementation path normalised and relative to the skill folder. */
export async function checkImplementation(realDir: string, rel: unknown, file: string, field = "implementation", line?: number): Promise<string> {
  if (typeof rel !== "string" || rel.trim() === "") invalidManifest(file, field, "expected a relative path to an ES module in the skill folder, e.g. \"index.js\"", line);
  if (rel.includes("\0")) invalidManifest(file, field, "must not contain NUL bytes", line);
  if (rel.includes("\\")) invalidManifest(file, field, "use forward slashes in the path", line);
  if (isAbsolute(rel) || /^[A-Za-z]:/.test(rel)) invalidManifest(file, field, "must be a relative path inside the skill folder, not an absolute path", line);
  const norm = posix.normalize(rel);
  if (norm === ".." || norm.startsWith("../")) invalidManifest(file, field, "must stay inside the skill folder (no ../)", line);
  if (norm === ".") invalidManifest(file, field, "must name a file, not the folder", line);
  const full = join(realDir, norm);
  try {
    await lstat(full);
  } catch {
    invalidManifest(file, field, `file ${JSON.stringify(norm)} not found in the skill folder`, line);
  }
  let real: string;
  try {
    real = await realpath(full);
  } catch {
    invalidManifest(file, field, `${JSON.stringify(norm)} is a broken symlink`, line);
  }
  if (real !== realDir && !real.startsWith(realDir + sep)) {
    invalidManifest(file, field, `${JSON.stringify(norm)} resolves outside the skill folder (symlink); the file must live inside it`, line);
  }
  if (!(await stat(real)).isFile()) invalidManifest(file, field, `${JSON.stringify(norm)} is not a file`, line);
  return norm;
}
