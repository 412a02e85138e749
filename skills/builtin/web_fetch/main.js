// web_fetch: GET a web page and return it as readable Markdown (or text), plain text, pretty
// JSON, or a binary file as an attachment. The sandbox's fetch checks every hop of redirects
// against the policy's `net` grants. The content is marked untrusted: it comes from the web and
// may try to instruct the model. HTML → Markdown is the sandbox's `html.toMarkdown`, which any
// skill may call (the host converts; interpreting a converter here cost ~300 ns per byte).
import { charsetFromContentType, charsetFromMeta, decodeBody, sniffBom, withCharset } from "./charset.js";

const MAX_ATTACHMENT_BYTES = 512 * 1024;
/** Most of a page read (the sandbox's fetch limit): a longer page is cut here, with a note. */
const MAX_PAGE_BYTES = 10 * 1024 * 1024;
const ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/json;q=0.9,*/*;q=0.5";

export default async ({ url, max_chars = 50000, format = "markdown" }) => {
  if (!/^https?:\/\//i.test(url)) throw new Error("url must start with http:// or https://");
  const res = await fetch(url, { headers: { accept: ACCEPT, "user-agent": "Moltbot-web_fetch/1.0" }, maxBodyBytes: MAX_PAGE_BYTES });
  let bytes = new Uint8Array(await res.arrayBuffer());
  const contentType = res.headers.get("content-type") || "";
  const mime = contentType.split(";")[0].trim().toLowerCase() || "application/octet-stream";
  const out = { summary: "", url: res.url, status: res.status, content_type: mime, untrusted: true };
  const kind = kindOf(mime, bytes);
  if (kind === "binary") return binary(out, bytes, mime, res.truncated);
  // A page cut mid-character would no longer read as UTF-8: end on a whole character.
  if (res.truncated) bytes = bytes.subarray(0, utf8Boundary(bytes));

  const isHtml = kind === "html";
  const declared = sniffBom(bytes) || charsetFromContentType(contentType) || (isHtml ? charsetFromMeta(bytes) : null);
  let content;
  if (isHtml && format !== "raw") {
    // The host decodes and converts in one step: the page never enters the sandbox as text.
    const converted = withCharset(declared, (charset, fatal) =>
      html.toMarkdown(bytes, { baseUrl: res.url, text: format === "text", charset, fatal }));
    out.charset = converted.charset;
    if (converted.note) out.note = converted.note;
    if (converted.value.title) out.title = converted.value.title;
    content = converted.value.markdown;
  } else {
    const decoded = decodeBody(bytes, declared);
    out.charset = decoded.charset;
    if (decoded.note) out.note = decoded.note;
    content = decoded.text;
    if (format !== "raw" && kind === "json") {
      try {
        content = JSON.stringify(JSON.parse(content), null, 2);
      } catch {
        out.note = "the body is not valid JSON; shown as text";
      }
    }
  }
  const total = content.length;
  const shown = total > max_chars ? wholeChars(content, max_chars) : total;
  out.content = shown < total ? content.slice(0, shown) : content;
  let summary = `${res.status >= 400 ? "HTTP " + res.status + " from" : "Fetched"} ${res.url} (${mime}, ${size(bytes.length)})`;
  if (out.title) summary += `: "${out.title.length > 80 ? out.title.slice(0, 79) + "…" : out.title}"`;
  if (shown < total) {
    out.truncated = { shown, total, unit: "chars" };
    summary += `; showing the first ${shown} of ${total} characters, ${total - shown} cut`;
  }
  if (res.truncated) {
    out.page_truncated = { read_bytes: bytes.length, limit_bytes: MAX_PAGE_BYTES };
    summary += `; the page is larger than ${size(MAX_PAGE_BYTES)}, so only its first ${size(MAX_PAGE_BYTES)} were read`;
  }
  out.summary = summary;
  return out;
};

/** At most `n` UTF-16 units of `s`, not ending between the two halves of a character. */
function wholeChars(s, n) {
  const c = s.charCodeAt(n - 1);
  return c >= 0xd800 && c <= 0xdbff ? n - 1 : n;
}

/** Where bytes cut at an arbitrary point end on a whole UTF-8 character. */
function utf8Boundary(b) {
  let i = b.length - 1;
  let k = 0;
  while (i >= 0 && k < 3 && (b[i] & 0xc0) === 0x80) { i--; k++; }
  if (i < 0) return b.length;
  const lead = b[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + need > b.length ? i : b.length;
}

function kindOf(mime, bytes) {
  if (mime === "text/html" || mime === "application/xhtml+xml") return "html";
  if (mime === "application/json" || mime.endsWith("+json")) return "json";
  if (mime.startsWith("text/") || mime.endsWith("+xml") || mime === "application/xml" || mime === "application/javascript") return "text";
  // No or a generic type: text unless the first bytes hold a NUL.
  if (mime === "application/octet-stream" && bytes.length > 0) {
    const n = Math.min(bytes.length, 1024);
    for (let i = 0; i < n; i++) if (bytes[i] === 0) return "binary";
    return "text";
  }
  return "binary";
}

function binary(out, bytes, mime, cut) {
  if (cut || bytes.length > MAX_ATTACHMENT_BYTES) {
    const of = cut ? `more than ${size(bytes.length)}` : size(bytes.length);
    out.summary = `${out.url} is a ${mime} file of ${of}, too large to attach (limit ${size(MAX_ATTACHMENT_BYTES)})`;
    out.truncated = { shown: 0, total: bytes.length, unit: "bytes" };
    if (cut) out.truncated.at_least = true;
    return out;
  }
  const top = mime.slice(0, mime.indexOf("/"));
  const name = out.url.replace(/[?#].*$/, "").split("/").pop() || "download";
  out.attachments = [{ kind: top === "image" || top === "audio" || top === "video" ? top : "file", mime, name, base64: bytes.toBase64() }];
  out.summary = `Fetched ${out.url}: a ${mime} file of ${size(bytes.length)}, attached`;
  return out;
}

function size(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}
