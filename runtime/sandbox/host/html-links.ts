// html.toMarkdown's links, relative → absolute. Enough of RFC 3986 §5.2 for links in pages:
// scheme-relative, root-relative, relative with ./ and ../, query- and fragment-only references.
import { DASH, HASH, QUESTION, isDigit, isLetter } from "./html-chars.ts";

export interface BaseUrl { scheme: string; authority: string; path: string; query: string }

/** True when `ref` starts with a scheme (`[A-Za-z][A-Za-z0-9+.-]*:`). */
function hasScheme(ref: string): boolean {
  if (!isLetter(ref.charCodeAt(0))) return false;
  for (let i = 1; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c === 58) return true; // ':'
    if (!isLetter(c) && !isDigit(c) && c !== 43 && c !== 46 && c !== DASH) return false; // + . -
  }
  return false;
}

export function parseBase(base: string): BaseUrl | null {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:)(\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?/.exec(base);
  return m ? { scheme: m[1]!, authority: m[2] ?? "", path: m[3] ?? "", query: m[4] ?? "" } : null;
}

export function resolveUrl(ref: string, base: BaseUrl | null): string {
  ref = ref.trim();
  if (base === null || hasScheme(ref)) return ref;
  const { scheme, authority, path, query } = base;
  if (ref.startsWith("//")) return scheme + ref;
  if (ref === "" || ref.startsWith("#")) return scheme + authority + path + query + ref;
  if (ref.startsWith("?")) return scheme + authority + path + ref;
  const cut = endOfPath(ref);
  const tail = ref.slice(0, cut);
  const rest = ref.slice(cut);
  const joined = tail.startsWith("/") ? tail : path.slice(0, path.lastIndexOf("/") + 1) + tail;
  return scheme + authority + normalize(joined.startsWith("/") ? joined : "/" + joined) + rest;
}

function endOfPath(ref: string): number {
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c === QUESTION || c === HASH) return i;
  }
  return ref.length;
}

function normalize(path: string): string {
  if (path.indexOf("/.") === -1) return path; // no "." or ".." segment: nothing to do
  const out: string[] = [];
  const segs = path.split("/");
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i]!;
    const last = i === segs.length - 1;
    if (s === "..") { out.pop(); if (last) out.push(""); }
    else if (s === ".") { if (last) out.push(""); }
    else out.push(s);
  }
  return "/" + out.join("/");
}
