// file_write: create, replace or append to a file. Writes go through the sandbox's fs.*, so
// they are atomic (temp file + rename) or, for appends, O_APPEND on the host (the file never
// enters the sandbox), and checked against the policy's `write` grants; the policy also asks the
// user to confirm each call. The host refuses a path whose last part is a link, naming its
// target, so what the user confirmed is the file that changes.
import { fromBase64, sampleKind, utf8Encode, win1252Encode } from "./bytes.js";

/** Bytes looked at from each end of a file before appending text to it. */
const SAMPLE = 64 * 1024;

export default async ({ path, content, encoding = "utf-8", mode = "overwrite", create_dirs = false }) => {
  const info = await statOf(path, mode !== "overwrite");
  const existed = info === undefined ? null : info !== null;
  if (mode === "create" && existed) throw new Error(`${path} already exists; use mode "overwrite" to replace it or "append" to add to it`);
  if (create_dirs && !path.endsWith("/")) {
    const slash = path.lastIndexOf("/");
    if (slash > 0) await fs.mkdir(path.slice(0, slash), { recursive: true });
  }
  // Text is written as UTF-8 (the host encodes it), except when appended to a file in a legacy
  // encoding: mixing the two would garble one or the other.
  let data = encoding === "base64" ? fromBase64(content) : null;
  let legacy = false;
  if (mode === "append" && data === null && info && info.size > 0) {
    const kind = await textKind(path, info.size);
    if (kind === "binary") throw new Error(`${path} is not text (it holds NUL bytes: binary data, or UTF-16); append exact bytes with encoding "base64"`);
    if (kind === "legacy") {
      data = asWin1252(path, content);
      legacy = true;
    }
  }
  let written;
  try {
    if (mode === "append") written = await fs.appendFile(path, data ?? content);
    else written = data ? await fs.writeFile(path, data) : await fs.writeTextFile(path, content);
  } catch (e) {
    throw withHint(e, create_dirs);
  }
  const created = mode === "append" ? written.created : existed === false;
  const bytes = data ? data.length : utf8Encode(content).length;
  const verb = mode === "append" ? (created ? "Created" : "Appended to") : !existed ? "Created" : "Replaced";
  const where = written.path === path ? path : `${written.path}, the real path of ${path}`;
  const how = `${bytes} byte${bytes === 1 ? "" : "s"} ${mode === "append" && !created ? "added" : "written"}${legacy ? ", in windows-1252 to match the file" : ""}`;
  return {
    summary: `${verb} ${where} (${how})`,
    path, ...(written.path === path ? {} : { real_path: written.path }), bytes, created, mode,
    ...(legacy ? { encoding: "windows-1252" } : {}),
  };
};

/**
 * The file's fs.stat, null when it does not exist (fs.stat needs `read`). Overwriting does not
 * need the answer, so there a missing read grant only leaves it unknown (undefined).
 */
async function statOf(path, required) {
  try {
    const s = await fs.stat(path);
    if (s.isDirectory) throw new Error(`${path} is a directory; give a file path`);
    return s;
  } catch (e) {
    if (e instanceof PermissionDenied && !required) return undefined;
    if (e instanceof Error && / no such file or directory$| not a directory$/.test(e.message)) return null;
    throw e;
  }
}

/** "utf-8", "legacy" or "binary", judged by the first and last 64 KiB (never the whole file). */
async function textKind(path, size) {
  const head = await fs.readFile(path, { length: SAMPLE });
  const kinds = [sampleKind(head, false, head.length === SAMPLE && size > SAMPLE)];
  if (size > SAMPLE) kinds.push(sampleKind(await fs.readFile(path, { offset: Math.max(SAMPLE, size - SAMPLE) }), true, false));
  return kinds.includes("binary") ? "binary" : kinds.includes("legacy") ? "legacy" : "utf-8";
}

/** `content` as windows-1252 bytes for a file that is not UTF-8, or an error saying why not. */
function asWin1252(path, content) {
  const out = win1252Encode(content);
  if (out instanceof Uint8Array) return out;
  throw new Error(`${path} is not UTF-8 text (it looks like windows-1252 or another legacy encoding), and "${out.bad}" cannot be written in windows-1252; `
    + `appending UTF-8 would mix two encodings in one file. Convert the file to UTF-8 first, or append exact bytes with encoding "base64"`);
}

/** A missing folder's error says which parameter creates it (same error object: its code stays). */
function withHint(e, createDirs) {
  if (!createDirs && e instanceof Error && e.code === "not_found" && /\(the folder .* does not exist\)$/.test(e.message)) {
    e.message += "; pass create_dirs: true to create it";
  }
  return e;
}
