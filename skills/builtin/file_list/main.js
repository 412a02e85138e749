// file_list: what a folder holds, optionally recursively. Symbolic links are listed but never
// followed or stat'ed: following could loop, and looking at a target outside the granted paths
// would ask the user a permission question in the middle of a listing.

/** Past max_entries we only count (one readDir per folder) up to this many, then stop. */
const COUNT_BUDGET = 50000;

export default async ({ path, recursive = false, max_depth = 5, max_entries = 500, include_hidden = false }) => {
  const root = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const entries = [];
  const counts = { files: 0, folders: 0, links: 0, other: 0 };
  let seen = 0, unreadable = 0, budgetHit = false;
  const queue = [{ dir: root, rel: "", depth: 0 }];
  while (queue.length > 0 && !budgetHit) {
    const { dir, rel, depth } = queue.shift();
    let list;
    try {
      list = await fs.readDir(dir);
    } catch (e) {
      if (depth === 0) throw e;
      unreadable++;
      continue;
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of list) {
      if (!include_hidden && e.name.startsWith(".")) continue;
      if (++seen > COUNT_BUDGET) { budgetHit = true; break; }
      const type = e.isSymlink ? "symlink" : e.isDirectory ? "dir" : e.isFile ? "file" : "other";
      counts[type === "dir" ? "folders" : type === "file" ? "files" : type === "symlink" ? "links" : "other"]++;
      const full = dir === "/" ? "/" + e.name : dir + "/" + e.name;
      if (type === "dir" && recursive && depth + 1 < max_depth) queue.push({ dir: full, rel: rel + e.name + "/", depth: depth + 1 });
      if (entries.length >= max_entries) continue;
      const entry = { path: rel + e.name, type };
      if (type === "file") await describe(full, entry);
      entries.push(entry);
    }
  }
  const shown = entries.length;
  let summary = `${path}: ${plural(counts.folders, "folder")}, ${plural(counts.files, "file")}`;
  if (counts.links) summary += `, ${plural(counts.links, "link")}`;
  if (recursive) summary += ` (recursive, ${max_depth} level${max_depth === 1 ? "" : "s"} deep)`;
  const out = { summary: "", path, entries };
  if (shown < seen) {
    out.truncated = { shown, total: seen, unit: "items" };
    summary += `; showing ${shown} of ${budgetHit ? "more than " + COUNT_BUDGET : seen} entries, ${budgetHit ? "the rest" : seen - shown} cut`;
    if (budgetHit) out.total_is_lower_bound = true;
  }
  if (unreadable) {
    out.unreadable_folders = unreadable;
    summary += `; ${plural(unreadable, "folder")} could not be read`;
  }
  out.summary = summary;
  return out;
};

/** Size and modification time (a file that vanished meanwhile just lacks them). */
async function describe(full, entry) {
  try {
    const s = await fs.stat(full);
    entry.size = s.size;
    entry.modified = new Date(s.mtimeMs).toISOString();
  } catch (e) {
    if (e instanceof PermissionDenied) throw e;
  }
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
