// file_search: find files under a folder by name (glob) and/or by content (text or regex).
// Walks with fs.readDir; symbolic links are skipped (never followed), as are hidden entries
// and dependency folders unless asked, and binary files. Files over max_file_bytes and
// unreadable ones are skipped too, and the result names them. Text is decoded as file_read
// decodes it (decode.js), so a search finds what a read shows.
import { bomEncoding, decodeText } from "./decode.js";
import { globToRegExp } from "./glob.js";
import { nestedQuantifier } from "./nested-quantifier.js";

const SKIP_DIRS = ["node_modules", "__pycache__", "target", "dist", "build", "vendor"];
/** Files looked at before the search stops, whatever it has found. */
const MAX_FILES = 5000;
const LINE_CHARS = 200;
/**
 * How long the search runs before it stops and returns what it found: at most this, and at most
 * TIME_SHARE of what the call has left (ctx.deadline), which leaves time to read the last file
 * and answer. A single match that has started cannot be stopped, hence nested-quantifier.js.
 */
const TIME_BUDGET_MS = 10000;
/** Of the time the call has left (ctx.deadline), the most the search takes. */
const TIME_SHARE = 0.6;

/** When the search stops: 10 s from now, or sooner when the call has less time left. */
function searchUntil(ctx) {
  const now = Date.now();
  const left = ctx && typeof ctx.deadline === "number" ? ctx.deadline - now : Infinity;
  return now + Math.max(0, Math.min(TIME_BUDGET_MS, Math.floor(left * TIME_SHARE)));
}

const seconds = (ms) => (ms >= 10000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10);
/** Skipped files and folders named in the result (skipped.items); skipped.count counts all. */
const MAX_SKIPPED_LISTED = 20;
/** max_file_bytes' maximum (skill.json): larger files cannot be searched at all. */
const MAX_FILE_BYTES = 16000000;

export default async (p, ctx) => {
  const { path, query, name, regex = false, case_sensitive = false, max_results = 100, max_depth = 10,
    include_hidden = false, max_file_bytes = 1000000 } = p;
  if (query === undefined && name === undefined) throw new Error("file_search needs a query (text to find), a name (file-name pattern), or both");
  const nameRe = name === undefined ? null : globToRegExp(name, case_sensitive);
  const nameOnPath = name !== undefined && name.includes("/");
  const textRe = query === undefined ? null : contentRegExp(query, regex, case_sensitive);
  const st = {
    results: [], total: 0, files: 0, matchedFiles: 0, searched: 0,
    skipped: { count: 0, items: [], tooLarge: 0, tooLargeEver: 0, unreadable: 0, folders: 0 },
    stopped: null, // "max_files" | "max_results" | "time"
    started: Date.now(),
    until: searchUntil(ctx),
  };
  const root = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const queue = [{ dir: root, rel: "", depth: 0 }];
  while (queue.length > 0 && !st.stopped) {
    const { dir, rel, depth } = queue.shift();
    if (Date.now() > st.until) { st.stopped = "time"; break; }
    let list;
    try {
      list = await fs.readDir(dir);
    } catch (e) {
      if (depth === 0) throw e;
      skip(st, { path: rel, reason: "unreadable_folder", error: e.message }, "folders");
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
      if (++st.files > MAX_FILES) { st.stopped = "max_files"; break; }
      if (textRe) {
        if (Date.now() > st.until) { st.stopped = "time"; break; }
        await searchFile(full, relPath, textRe, max_file_bytes, max_results, st);
        if (st.stopped) break;
      } else {
        st.total++;
        st.matchedFiles++;
        if (st.results.length < max_results) st.results.push({ path: relPath });
      }
    }
  }
  return report(p, st, textRe !== null, max_results, max_file_bytes);
};

function contentRegExp(query, regex, caseSensitive) {
  if (regex) {
    const nested = nestedQuantifier(query);
    if (nested !== null) {
      throw new Error(`query ${nested} repeats a group that itself repeats: on some lines such a pattern takes longer to fail than any time limit. Write it with one level of repetition (e.g. a+ instead of (a+)+, [\\w.]+ instead of (\\w+\\.)+)`);
    }
  }
  const source = regex ? query : query.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
  try {
    return new RegExp(source, caseSensitive ? "gm" : "gim"); // m: ^ and $ match at each line
  } catch (e) {
    throw new Error(`query is not a valid regular expression: ${e.message}`);
  }
}

/** Records a file or folder that was not searched; `kind` is the counter it adds to. */
function skip(st, item, kind) {
  st.skipped.count++;
  st.skipped[kind]++;
  if (st.skipped.items.length < MAX_SKIPPED_LISTED) st.skipped.items.push(item);
}

async function searchFile(full, relPath, re, maxBytes, maxResults, st) {
  let text;
  try {
    const info = await fs.stat(full);
    if (info.size > maxBytes) {
      skip(st, { path: relPath, reason: "too_large", size: info.size }, "tooLarge");
      if (info.size > MAX_FILE_BYTES) st.skipped.tooLargeEver++;
      return;
    }
    // Most files are UTF-8 and come decoded by the host in one call. One that is not (U+FFFD
    // where a byte did not decode: a legacy or UTF-16 file) is read again as bytes and decoded
    // as file_read decodes it.
    text = await fs.readTextFile(full);
    if (text.indexOf("\uFFFD") !== -1) {
      const bytes = await fs.readFile(full);
      // NUL bytes mean binary, except in UTF-16, where every ASCII character has one.
      if (!bomEncoding(bytes) && bytes.subarray(0, 8192).indexOf(0) !== -1) return;
      text = decodeText(bytes).text;
    } else if (text.slice(0, 8192).indexOf("\0") !== -1) return; // binary
  } catch (e) {
    if (e instanceof PermissionDenied) throw e;
    skip(st, { path: relPath, reason: "unreadable", error: e.message }, "unreadable");
    return;
  }
  st.searched++;
  re.lastIndex = 0;
  let line = 1, lineStart = 0, found = false;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    for (let nl = text.indexOf("\n", lineStart); nl !== -1 && nl < m.index; nl = text.indexOf("\n", nl + 1)) {
      line++;
      lineStart = nl + 1;
    }
    if (st.results.length >= maxResults) { st.stopped = "max_results"; break; }
    found = true;
    st.total++;
    st.results.push({ path: relPath, line, text: excerpt(text, lineStart, m.index) });
    // One result per line: go on from the next line, not the next match on this one.
    const next = text.indexOf("\n", m.index);
    if (next === -1) break;
    line++;
    lineStart = next + 1;
    re.lastIndex = lineStart;
    if (Date.now() > st.until) { st.stopped = "time"; break; }
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

function report(p, st, byContent, maxResults, maxFileBytes) {
  const what = byContent ? `line${st.total === 1 ? "" : "s"} matching "${p.query}"` : `file${st.total === 1 ? "" : "s"} named ${p.name}`;
  let summary = `Found ${st.stopped === "max_results" ? "more than " : ""}${st.total} ${what}`;
  if (byContent) summary += ` in ${st.matchedFiles} file${st.matchedFiles === 1 ? "" : "s"}`;
  summary += ` under ${p.path}`;
  if (byContent && p.name !== undefined) summary += ` (files named ${p.name})`;
  const out = { summary: "", path: p.path, [byContent ? "matches" : "files"]: st.results };
  if (st.total > st.results.length) {
    out.truncated = { shown: st.results.length, total: st.total, unit: "items" };
    summary += `; showing the first ${maxResults}, ${st.total - st.results.length} cut`;
  }
  if (st.stopped) {
    out.incomplete = true;
    out.stopped = st.stopped;
    if (st.stopped === "max_results") summary += `; stopped at max_results (${maxResults}), so the rest was not searched — narrow the search or raise max_results`;
    else if (st.stopped === "time") summary += `; stopped after ${seconds(st.until - st.started)} s, file_search's share of the call's time, having searched ${st.searched} file${st.searched === 1 ? "" : "s"}: the results are partial — narrow the path, the name pattern or the query`;
    else summary += `; stopped after looking at ${MAX_FILES} files — narrow the path or the name pattern`;
  }
  const s = st.skipped;
  if (s.count > 0) {
    out.skipped = { count: s.count, items: s.items };
    const raisable = s.tooLarge - s.tooLargeEver;
    if (raisable > 0) summary += `; ${files(raisable)} over ${bytesText(maxFileBytes)} not searched (raise max_file_bytes to include ${raisable === 1 ? "it" : "them"})`;
    if (s.tooLargeEver > 0) summary += `; ${files(s.tooLargeEver)} over ${bytesText(MAX_FILE_BYTES)} not searched (too large for file_search)`;
    if (s.unreadable > 0) summary += `; ${files(s.unreadable)} could not be read`;
    if (s.folders > 0) summary += `; ${s.folders} folder${s.folders === 1 ? "" : "s"} could not be read`;
  }
  out.summary = summary;
  return out;
}

const files = (n) => `${n} file${n === 1 ? "" : "s"}`;

/** max_file_bytes is given in bytes, so it is shown in decimal units: 1000000 → "1 MB". */
function bytesText(n) {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(2)} KB`;
  return `${n} byte${n === 1 ? "" : "s"}`;
}
