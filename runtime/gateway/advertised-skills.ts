// The skills a node advertises in `connect` reach the model as tool definitions, so they are
// checked like a local skill.json (skills/): the tool-name pattern, a version, a description of
// at most 1024 characters without control characters, and `parameters` an object JSON Schema
// (the loader's own check). A name the gateway reserves is refused. Bad entries are skipped and
// reported back to the node; the rest of its skills stay usable.
import { z } from "zod";
import { toMoltError } from "../contracts/errors.ts";
import { TOOL_NAME, type JSONSchema } from "../contracts/tool.ts";
import { parseParameters } from "../../skills/params-schema.ts";
import { VERSION } from "../../skills/skill-json.ts";

export interface AdvertisedSkill {
  name: string;
  description: string;
  parameters: JSONSchema;
  version: string;
}

export interface SkippedSkill {
  name: string;
  reason: string;
}

/** As for skill.json descriptions (skills/skill-json.ts). */
export const MAX_DESCRIPTION = 1024;
/** Tools of the gateway's agent that are no skill (runtime/agent/toolset.ts SKILL_READ). */
const RESERVED = new Set(["skill_read"]);

// Sizes are bounded by the frame (1 MiB); what the model may see is checked below.
const entry = z.object({
  name: z.string().max(256),
  description: z.string().max(64 * 1024),
  parameters: z.unknown().optional(),
  version: z.string().max(64),
}).strict();

// Terminal escapes (CSI, OSC), then every other control character but tab and newline, and the
// bidirectional overrides that make text read differently from what it is.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function cleanDescription(text: string): string {
  return text.replace(ESCAPES, "").replace(CONTROLS, "").trim();
}

export function checkAdvertised(raw: unknown[]): { skills: AdvertisedSkill[]; skipped: SkippedSkill[] } {
  const skills: AdvertisedSkill[] = [];
  const skipped: SkippedSkill[] = [];
  const seen = new Set<string>();
  raw.forEach((value, i) => {
    const at = `skills[${i}]`;
    const shownName = typeof (value as { name?: unknown } | null)?.name === "string" ? cleanDescription((value as { name: string }).name).slice(0, 64) : at;
    const skip = (reason: string) => void skipped.push({ name: shownName, reason: `${at}: ${reason}` });
    const parsed = entry.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return skip(`${issue?.path.join(".") || "entry"}: ${issue?.message ?? "invalid"}`);
    }
    const s = parsed.data;
    if (!TOOL_NAME.test(s.name)) return skip("name: must be 1-64 lowercase letters, digits, _ or -, starting with a letter or digit");
    if (RESERVED.has(s.name)) return skip(`name: ${s.name} is reserved by the gateway`);
    if (seen.has(s.name)) return skip(`name: ${s.name} is advertised twice`);
    if (!VERSION.test(s.version)) return skip("version: must be a version like 1.0.0");
    const description = cleanDescription(s.description);
    if (description === "") return skip("description: must not be blank");
    if ([...description].length > MAX_DESCRIPTION) return skip(`description: must be at most ${MAX_DESCRIPTION} characters`);
    let parameters: JSONSchema;
    try {
      parameters = parseParameters(s.parameters, "connect", "parameters");
    } catch (err) {
      return skip(toMoltError(err).message.replace(/^connect: /, ""));
    }
    seen.add(s.name);
    skills.push({ name: s.name, description, parameters, version: s.version });
  });
  return { skills, skipped };
}
