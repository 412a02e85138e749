// file_search: find files under a folder by name (glob) and/or by content (text or regex).
// Walks with fs.readDir; symbolic links are skipped (never followed), as are hidden entries
// and dependency folders unless asked, binary files, and files over max_file_bytes.
import { globToRegExp } from "./glob.js";

const SKIP_DIRS = ["node_modules", "__pycache__", "target", "dist", "build", "vendor"];
/** Files looked at before the search stops, whatever it has found. */
const MAX_FILES = 5000;
const LINE_CHARS = 200;

export default async (p) => {
  const { path, query, name, regex = false, case_sensitive = false, max_results = 100, max_depth = 10,
    include_hidden = false, max_file_bytes = 1000000 } = p;
  if (query === undefined && name === undefined) throw new Error("file_search needs a query (text to find), a name (file-name pattern), or both");
  const nameRe = name === undefined ? null : globToRegExp(name, case_sensitive);
  const nameOnPath = name !== undefined && name.includes("/");
  const textRe = query === undefined ? null : contentRegExp(query, regex, case_sensitive);
  const st = { results: [], total: 0, files: 0, matchedFiles: 0, skipped: 0, stopped: false };
  const root = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const queue = [{ dir: root, rel: "", depth: 0 }];
  while (queue.length > 0 && !st.stopped) {
    const { dir, rel, depth } = queue.shift();
    let list;
    try {
      list = await fs.readDir(dir);
    } catch (e) {
      if (depth === 0) throw e;
      st.skipped++;
      continue;
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of list) {
      if (e.isSymlink || (!include_hidden && e.name.startsWith("."))) continue;
      const full = dir === "/" ? "/" + e.name : dir + "/" + e.name;
      const relPath = rel + e.name;
      if (e.isDirectory) {
        if (depth + 1 < max_depth && !SKIP_DIRS.includes(e.name)) queue.push({ dir: full, rel: relPath + "/", depth: depth + 1 });
        continue;
      }
      if (!e.isFile || (nameRe && !nameRe.test(nameOnPath ? relPath : e.name))) continue;
      if (++st.files > MAX_FILES) { st.stopped = true; break; }
      if (textRe) await searchFile(full, relPath, textRe, max_file_bytes, max_results, st);
      else {
        st.total++;
        st.matchedFiles++;
        if (st.results.length < max_results) st.results.push({ path: relPath });
      }
    }
  }
  return report(p, st, textRe !== null, max_results);
};

function contentRegExp(query, regex, caseSensitive) {
  const source = regex ? query : query.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
  try {
    return new RegExp(source, caseSensitive ? "gm" : "gim"); // m: ^ and $ match at each line
  } catch (e) {
    throw new Error(`query is not a valid regular expression: ${e.message}`);
  }
}

async function searchFile(full, relPath, re, maxBytes, maxResults, st) {
  let text;
  try {
    const info = await fs.stat(full);
    if (info.size > maxBytes) { st.skipped++; return; }
    text = await fs.readTextFile(full);
  } catch (e) {
    if (e instanceof PermissionDenied) throw e;
    st.skipped++;
    return;
  }
  if (text.slice(0, 8192).indexOf("\0") !== -1) return; // binary
  re.lastIndex = 0;
  let line = 1, lineStart = 0, scanned = 0, lastLine = 0, found = false;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === "") re.lastIndex++; // an empty match must not loop forever
    for (let nl = text.indexOf("\n", scanned); nl !== -1 && nl < m.index; nl = text.indexOf("\n", nl + 1)) {
      line++;
      lineStart = nl + 1;
      scanned = nl + 1;
    }
    if (line === lastLine) continue;
    lastLine = line;
    found = true;
    st.total++;
    if (st.results.length < maxResults) st.results.push({ path: relPath, line, text: excerpt(text, lineStart, m.index) });
  }
  if (found) st.matchedFiles++;
}

/** The matching line, cut to LINE_CHARS around the match. */
function excerpt(text, start, at) {
  let end = text.indexOf("\n", start);
  if (end === -1) end = text.length;
  if (end - start <= LINE_CHARS) return text.slice(start, end).replace(/\r$/, "");
  const from = Math.max(start, Math.min(at - 40, end - LINE_CHARS));
  return (from > start ? "…" : "") + text.slice(from, from + LINE_CHARS) + (from + LINE_CHARS < end ? "…" : "");
}

function report(p, st, byContent, maxResults) {
  const what = byContent ? `line${st.total === 1 ? "" : "s"} matching "${p.query}"` : `file${st.total === 1 ? "" : "s"} named ${p.name}`;
  let summary = `Found ${st.total} ${what}${byContent ? ` in ${st.matchedFiles} file${st.matchedFiles === 1 ? "" : "s"}` : ""} under ${p.path}`;
  if (byContent && p.name !== undefined) summary += ` (files named ${p.name})`;
  const out = { summary: "", path: p.path, [byContent ? "matches" : "files"]: st.results };
  if (st.total > st.results.length) {
    out.truncated = { shown: st.results.length, total: st.total, unit: "items" };
    summary += `; showing the first ${maxResults}, ${st.total - st.results.length} cut`;
  }
  if (st.stopped) {
    out.incomplete = true;
    summary += `; stopped after looking at ${MAX_FILES} files — narrow the path or the name pattern`;
  }
  if (st.skipped) out.skipped = st.skipped;
  out.summary = summary;
  return out;
}
