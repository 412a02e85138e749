// RFC 8785 JSON Canonicalization Scheme (JCS). The audit hash is taken over this form so that
// re-formatting a line (key order, whitespace, escapes) is not tampering, while any change of
// content is. Written here rather than imported: it is small, and the hash must never change
// because a dependency changed its output.

/** Canonical JSON text of a JSON value; throws on anything that is not I-JSON. */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      return canonicalString(value);
    case "number":
      // ES Number serialisation is exactly what JCS §3.2.2.3 prescribes (and -0 becomes "0").
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
      return canonicalObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`canonical JSON: a ${typeof value} is not a JSON value`);
  }
}

function canonicalObject(obj: Record<string, unknown>): string {
  // Sorted by UTF-16 code units, which is what `<` on JS strings compares (JCS §3.2.3).
  const keys = Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: string[] = [];
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue; // as JSON.stringify: an absent value is an absent member
    parts.push(`${canonicalString(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}

function canonicalString(s: string): string {
  // I-JSON (RFC 7493) forbids lone surrogates; JCS requires I-JSON input.
  if (!s.isWellFormed()) throw new TypeError("canonical JSON: string contains a lone surrogate");
  // JSON.stringify escapes exactly JCS's set: " \ and U+0000..U+001F, using \b \t \n \f \r
  // where they exist and lower-case \u00xx otherwise; everything else is literal.
  return JSON.stringify(s);
}
