// file_read: a text file's contents, capped, or a binary file as an attachment. Every access
// goes through the sandbox's fs.* and so through the policy's `read` grants.
import { toBase64 } from "./base64.js";
import { isBinaryMime, kindOf, mimeOf } from "./mime.js";

/** Largest file read at all: bigger ones would not fit the sandbox's memory as text. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Largest binary file returned as an attachment (base64 grows it by a third). */
const MAX_ATTACHMENT_BYTES = 512 * 1024;

export default async ({ path, max_chars = 100000, start_line, max_lines, encoding }) => {
  const info = await fs.stat(path);
  if (info.isDirectory) throw new Error(`${path} is a directory; use file_list to see what it holds`);
  const mime = mimeOf(path);
  if (isBinaryMime(mime) && !encoding) return binary(path, mime, info.size);
  if (info.size > MAX_FILE_BYTES) {
    throw new Error(`${path} is ${size(info.size)}, more than file_read reads (${size(MAX_FILE_BYTES)}); use file_search to find the part you need`);
  }
  let text, used = "utf-8";
  if (encoding) {
    text = new TextDecoder(encoding).decode(await fs.readFile(path));
    used = new TextDecoder(encoding).encoding;
  } else {
    text = await fs.readTextFile(path);
    if (text.slice(0, 8192).indexOf("\0") !== -1) return binary(path, mime, info.size);
    // Not valid UTF-8: most likely a legacy single-byte file; windows-1252 maps every byte.
    if (text.indexOf("\uFFFD") !== -1) {
      const bytes = await fs.readFile(path);
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        text = new TextDecoder("windows-1252").decode(bytes);
        used = "windows-1252";
      }
    }
  }
  return textResult(path, text, used, info.size, { max_chars, start_line, max_lines });
};

function textResult(path, text, used, bytes, o) {
  const totalLines = countLines(text);
  let from = 0, to = text.length, firstLine = 1;
  if (o.start_line !== undefined && o.start_line > 1) {
    from = offsetOfLine(text, o.start_line);
    firstLine = o.start_line;
  }
  if (o.max_lines !== undefined) to = Math.min(to, offsetOfLine(text, firstLine + o.max_lines, from, firstLine));
  const wanted = to - from;
  const shown = Math.min(wanted, o.max_chars);
  const content = from === 0 && shown === text.length ? text : text.slice(from, from + shown);
  const out = { summary: "", path, size: bytes, lines: totalLines, encoding: used, content };
  if (firstLine > 1 || o.max_lines !== undefined) out.range = { start_line: firstLine, end_line: firstLine + countLines(content) - 1 };
  let summary = `Read ${path}: ${totalLines} line${totalLines === 1 ? "" : "s"}, ${size(bytes)}`;
  if (used !== "utf-8") summary += `, decoded as ${used}`;
  if (shown < wanted) {
    out.truncated = { shown, total: wanted, unit: "chars" };
    summary += ` (showing the first ${shown} of ${wanted} characters; ${wanted - shown} cut — pass start_line or a larger max_chars for more)`;
  }
  out.summary = summary;
  return out;
}

function binary(path, mime, bytes) {
  const out = { summary: "", path, size: bytes, mime, binary: true };
  if (bytes > MAX_ATTACHMENT_BYTES) {
    out.summary = `${path} is a binary file (${mime}, ${size(bytes)}), too large to attach (limit ${size(MAX_ATTACHMENT_BYTES)})`;
    out.truncated = { shown: 0, total: bytes, unit: "bytes" };
    return out;
  }
  const data = fs.readFile(path);
  return data.then((b) => {
    out.attachments = [{ kind: kindOf(mime), mime, name: path.slice(path.lastIndexOf("/") + 1), base64: toBase64(b) }];
    out.summary = `${path} is a binary file (${mime}, ${size(bytes)}), attached`;
    return out;
  });
}

function countLines(s) {
  if (s.length === 0) return 0;
  let n = 0;
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) n++;
  return s.endsWith("\n") ? n : n + 1;
}

/** Character offset where 1-based line `line` starts (text length when past the end). */
function offsetOfLine(s, line, from = 0, fromLine = 1) {
  let at = from;
  for (let l = fromLine; l < line; l++) {
    const nl = s.indexOf("\n", at);
    if (nl === -1) return s.length;
    at = nl + 1;
  }
  return at;
}

function size(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}
