// Small adapters so table tests can compare plain strings.
import { formatCidr, parseCidr } from "./cidr.ts";
export { normalizeHost } from "./ip.ts";

export function parseCidrText(text: string): string | null {
  const c = parseCidr(text);
  return c ? formatCidr(c) : null;
}
