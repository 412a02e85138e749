// `moltbot skill info`: a skill's parameter schema as one line per parameter, for people (the
// model and --json get the schema itself). Reads only the common JSON-Schema keywords and says
// nothing about the rest, so an unusual schema is summarised, never misdescribed.

import type { DeclaredPermissions } from "../contracts/permissions.ts";

type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

/** "name  type, required, default  description" lines, or "(none)" without parameters. */
export function parameterLines(parameters: unknown): string[] {
  const props = isSchema(parameters) && isSchema(parameters.properties) ? parameters.properties : {};
  const names = Object.keys(props);
  if (names.length === 0) return ["  (none)"];
  const required = new Set(isSchema(parameters) && Array.isArray(parameters.required) ? parameters.required.map(String) : []);
  const rows = names.map((n) => {
    const p = isSchema(props[n]) ? props[n] : {};
    const facts = [typeOf(p)];
    if (required.has(n)) facts.push("required");
    if (p.default !== undefined) facts.push(`default ${short(JSON.stringify(p.default))}`);
    const text = typeof p.description === "string" ? p.description.replace(/\s+/g, " ").trim() : "";
    return { name: n, facts: facts.join(", "), text };
  });
  // Columns: names, then what each takes (capped, so one long enum does not push every line).
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const factWidth = Math.min(36, Math.max(...rows.map((r) => r.facts.length)));
  return rows.map((r) => `  ${r.name.padEnd(nameWidth)}  ${r.facts.padEnd(factWidth)}  ${r.text}`.trimEnd());
}

function typeOf(p: Schema): string {
  if (Array.isArray(p.enum)) return `one of ${p.enum.map((v) => JSON.stringify(v)).join("|")}`;
  const t = Array.isArray(p.type) ? p.type.map(String).join("|") : typeof p.type === "string" ? p.type : "any";
  if (t === "array") return isSchema(p.items) ? `${typeOf(p.items)}[]` : "array";
  const min = typeof p.minimum === "number" ? p.minimum : undefined;
  const max = typeof p.maximum === "number" ? p.maximum : undefined;
  if ((t === "integer" || t === "number") && (min !== undefined || max !== undefined)) {
    return `${t} ${min ?? ""}–${max ?? ""}`;
  }
  return t;
}

const short = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s);

/** A manifest's declared permissions as "net all; read ~/notes, /tmp" ("none" when empty). */
export function permissionLine(permissions: DeclaredPermissions): string {
  const parts = Object.entries(permissions as Record<string, unknown>).map(([kind, v]) =>
    v === true ? kind : `${kind} ${Array.isArray(v) ? (v.length ? v.join(", ") : "(nothing)") : String(v)}`);
  return parts.length ? parts.join("; ") : "none";
}
