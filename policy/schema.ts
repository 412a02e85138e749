// The zod schema of policy.yaml (DESIGN §5). Structure and patterns only; defaults are filled
// in by build-policy.ts so that what a missing key means is written down in one place.
import { quote } from "./quote.ts";
import { z } from "zod";
import { TOOL_NAME } from "../runtime/contracts/tool.ts";
import { ENV_EXPECTED, isValidEnvEntry } from "./env-match.ts";
import { accessExpected, isAccess } from "./access-match.ts";
import { NET_EXPECTED, parseNetPattern } from "./net-match.ts";
import { PATH_EXPECTED, isValidPathEntry } from "./path-match.ts";
import { RUN_EXPECTED, isValidRunEntry } from "./run-match.ts";
import { DURATION_EXPECTED, SIZE_RANGES, type SizeRange, parseDuration, parseSizeIn, sizeExpected } from "./units.ts";

/** Quotes a user value for an error message, shortened so messages never carry whole inputs. */

function pattern(ok: (s: string) => boolean, what: string, expected: string) {
  return z.string().superRefine((s, ctx) => {
    if (!ok(s)) ctx.addIssue({ code: "custom", message: `${quote(s)} is not a valid ${what}; ${expected}` });
  });
}

function unit(parse: (s: string) => number | null, expected: string) {
  // Accepts any input so a bare number ("timeout: 5") gets the same helpful message as "5x".
  return z.unknown().transform((s, ctx) => {
    const n = typeof s === "string" ? parse(s) : null;
    if (n === null) {
      const shown = typeof s === "string" ? quote(s) : typeof s === "number" ? String(s) : `a ${typeof s}`;
      ctx.addIssue({ code: "custom", message: `${shown} is not valid; ${expected}` });
      return z.NEVER;
    }
    return n;
  });
}

/** A size the sandbox can honour (see SIZE_RANGES): anything else would fail every call. */
const size = (range: SizeRange) => unit((s) => parseSizeIn(s, range), sizeExpected(range));

const toolName = pattern((s) => TOOL_NAME.test(s), "tool name", "expected lowercase letters, digits, _ or -");

export const scopesSchema = z
  .object({
    net: z.array(pattern((s) => parseNetPattern(s) !== null, "host pattern", NET_EXPECTED)),
    read: z.array(pattern(isValidPathEntry, "path", PATH_EXPECTED)),
    write: z.array(pattern(isValidPathEntry, "path", PATH_EXPECTED)),
    run: z.array(pattern(isValidRunEntry, "command", RUN_EXPECTED)),
    env: z.array(pattern(isValidEnvEntry, "variable pattern", ENV_EXPECTED)),
    mail: z.array(pattern((s) => isAccess("mail", s), "mail access", accessExpected("mail"))),
    memory: z.array(pattern((s) => isAccess("memory", s), "memory access", accessExpected("memory"))),
    browser: z.boolean(),
    camera: z.boolean(),
  })
  .partial()
  .strict();

export const limitsSchema = z
  .object({
    timeout: unit(parseDuration, DURATION_EXPECTED),
    memory: size(SIZE_RANGES.memory),
    output: size(SIZE_RANGES.output),
    stack: size(SIZE_RANGES.stack),
  })
  .partial()
  .strict();

const skillSchema = z
  .object({ allow: scopesSchema, deny: scopesSchema, limits: limitsSchema })
  .partial()
  .strict();

export const policySchema = z
  .object({
    version: z.literal(1),
    prompt: z.boolean().optional(),
    precedence: z.enum(["deny", "specific"]).optional(),
    trust: z
      .object({
        allowedWithoutConfirmation: z.array(toolName),
        requiresConfirmation: z.array(toolName),
        forbidden: z.array(toolName),
        default: z.enum(["allow", "confirm", "forbid"]),
      })
      .partial()
      .strict()
      .optional(),
    confirmation: z
      .object({ timeout: unit(parseDuration, DURATION_EXPECTED), remember: z.enum(["none", "session", "always"]) })
      .partial()
      .strict()
      .optional(),
    limits: limitsSchema.optional(),
    deny: scopesSchema.optional(),
    skills: z.record(toolName, skillSchema).optional(),
  })
  .strict();

export type RawPolicy = z.output<typeof policySchema>;
export type RawScopes = z.output<typeof scopesSchema>;
export type RawLimits = z.output<typeof limitsSchema>;

/** The keys allowed at a path, for "unknown key" messages. */
export function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  const shapeOf = (s: z.ZodType): string[] => {
    const inner = s instanceof z.ZodOptional ? s.unwrap() : s;
    return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
  };
  if (path.length === 0) return Object.keys(policySchema.shape);
  const [top, skill, block] = path;
  if (top === "skills" && path.length === 2) return Object.keys(skillSchema.shape);
  if (top === "skills" && path.length === 3) return shapeOf(skillSchema.shape[block as "allow"]);
  if (skill === undefined && typeof top === "string" && top in policySchema.shape) {
    return shapeOf(policySchema.shape[top as keyof typeof policySchema.shape]);
  }
  return [];
}
