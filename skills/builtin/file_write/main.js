// file_write: create, replace or append to a file. Writes go through the sandbox's fs.*, so
// they are atomic (temp file + rename) and checked against the policy's `write` grants; the
// policy also asks the user to confirm each call.
import { fromBase64, utf8Encode } from "./bytes.js";

const utf8Length = (s) => utf8Encode(s).length;

export default async ({ path, content, encoding = "utf-8", mode = "overwrite", create_dirs = false }) => {
  const existed = await exists(path, mode !== "overwrite");
  if (mode === "create" && existed) throw new Error(`${path} already exists; use mode "overwrite" to replace it or "append" to add to it`);
  if (create_dirs) {
    const slash = path.lastIndexOf("/");
    if (slash > 0) await fs.mkdir(path.slice(0, slash), { recursive: true });
  }
  // Text goes through writeTextFile (the host encodes it); appending joins bytes, so a file in
  // another encoding keeps its existing bytes unchanged.
  const data = encoding === "base64" ? fromBase64(content) : null;
  if (mode === "append" && existed) {
    const add = data ?? utf8Encode(content);
    const old = await fs.readFile(path);
    const both = new Uint8Array(old.length + add.length);
    both.set(old);
    both.set(add, old.length);
    await fs.writeFile(path, both);
  } else if (data) await fs.writeFile(path, data);
  else await fs.writeTextFile(path, content);
  const bytes = data ? data.length : utf8Length(content);
  const verb = !existed ? "Created" : mode === "append" ? "Appended to" : "Replaced";
  return {
    summary: `${verb} ${path} (${bytes} byte${bytes === 1 ? "" : "s"} ${mode === "append" && existed ? "added" : "written"})`,
    path, bytes, created: existed === false, mode,
  };
};

/**
 * Whether the file exists, via fs.stat (which needs `read`). Overwriting does not need the
 * answer, so there a missing read grant only leaves `created` unknown.
 */
async function exists(path, required) {
  try {
    const s = await fs.stat(path);
    if (s.isDirectory) throw new Error(`${path} is a directory; give a file path`);
    return true;
  } catch (e) {
    if (e instanceof PermissionDenied && !required) return null;
    if (e instanceof Error && / no such file or directory$| not a directory$/.test(e.message)) return false;
    throw e;
  }
}
