// Environment variable entries (DESIGN §5): an exact name or a `PREFIX_*` family.

export const ENV_EXPECTED = "expected a variable name (HOME) or a prefix (AWS_*)";

const EXACT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PREFIX = /^[A-Za-z_][A-Za-z0-9_]*_\*$/;

export function isValidEnvEntry(text: string): boolean {
  return EXACT.test(text) || PREFIX.test(text);
}

export function isValidEnvName(text: string): boolean {
  return EXACT.test(text);
}

export function envMatches(entry: string, name: string): boolean {
  return entry.endsWith("*") ? name.startsWith(entry.slice(0, -1)) : name === entry;
}

/** outer ⊇ inner, for `precedence: specific`. */
export function envCovers(outer: string, inner: string): boolean {
  if (!outer.endsWith("*")) return outer === inner;
  return inner.startsWith(outer.slice(0, -1));
}
