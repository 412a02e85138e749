// Relative link → absolute URL (QuickJS has no URL class). Enough of RFC 3986 §5.2 for links
// in pages: scheme-relative, root-relative, relative with ./ and ../, query- and
// fragment-only references.
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export function resolveUrl(ref, base) {
  ref = ref.trim();
  if (SCHEME.test(ref)) return ref;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:)(\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?/.exec(base);
  if (!m) return ref;
  const [, scheme, authority = "", path = "", query = ""] = m;
  if (ref.startsWith("//")) return scheme + ref;
  if (ref === "" || ref.startsWith("#")) return scheme + authority + path + query + ref;
  if (ref.startsWith("?")) return scheme + authority + path + ref;
  const tail = /^[^?#]*/.exec(ref)[0];
  const rest = ref.slice(tail.length);
  const joined = tail.startsWith("/") ? tail : path.slice(0, path.lastIndexOf("/") + 1) + tail;
  return scheme + authority + normalize(joined.startsWith("/") ? joined : "/" + joined) + rest;
}

function normalize(path) {
  const out = [];
  const segs = path.split("/");
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i];
    const last = i === segs.length - 1;
    if (s === "..") { out.pop(); if (last) out.push(""); }
    else if (s === ".") { if (last) out.push(""); }
    else out.push(s);
  }
  return "/" + out.join("/");
}
