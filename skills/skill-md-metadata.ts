// What Moltbot reads from SKILL.md `metadata`: its own machine fields under `metadata.moltbot`
// (a nested map or a JSON string, lenient mode only) and `requires` from that key or the
// legacy keys other assistants used (openclaw, clawdbot, clawdis).
import { isPlainObject, type ManifestIssue } from "./manifest-error.ts";

export const MACHINE_FIELDS = ["implementation", "parameters", "permissions", "credentials"] as const;
const FAMILY_KEYS = ["moltbot", "openclaw", "clawdbot", "clawdis"];

export interface MetadataFields {
  machine: Partial<Record<(typeof MACHINE_FIELDS)[number], unknown>>;
  requires?: { bins?: string[]; env?: string[] };
  version?: string;
  /** Reject the skill (strict mode only). */
  errors: ManifestIssue[];
  warnings: ManifestIssue[];
}

export function readMetadata(raw: unknown, file: string, line: number | undefined, strict: boolean): MetadataFields {
  const out: MetadataFields = { machine: {}, errors: [], warnings: [] };
  const meta = typeof raw === "string" ? parseJson(raw, "metadata", file, line, out) : raw;
  if (!isPlainObject(meta)) return out;
  if (typeof meta.version === "string" || typeof meta.version === "number") out.version = String(meta.version);
  const bins = new Set<string>();
  const env = new Set<string>();
  for (const key of FAMILY_KEYS) {
    const v = typeof meta[key] === "string" ? parseJson(meta[key] as string, `metadata.${key}`, file, line, out) : meta[key];
    if (!isPlainObject(v)) continue;
    const req = v.requires;
    if (isPlainObject(req)) {
      for (const b of strings(req.bins)) bins.add(b);
      for (const e of strings(req.env)) env.add(e);
    }
    if (key !== "moltbot") continue;
    for (const f of MACHINE_FIELDS) {
      if (v[f] === undefined) continue;
      if (strict) out.errors.push({ file, line, field: `metadata.moltbot.${f}`, message: "machine fields belong in a sibling skill.json in strict mode (SKILL.md metadata is a string map)" });
      else out.machine[f] = v[f];
    }
  }
  if (bins.size || env.size) {
    out.requires = {};
    if (bins.size) out.requires.bins = [...bins];
    if (env.size) out.requires.env = [...env];
  }
  return out;
}

function parseJson(text: string, field: string, file: string, line: number | undefined, out: MetadataFields): unknown {
  const t = text.trim();
  if (!t.startsWith("{")) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    out.warnings.push({ file, line, field, message: "looks like JSON but does not parse; ignored" });
    return undefined;
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : [];
}
