// Loads one skill folder into the Skill contract from skill.json, SKILL.md, or both.
// Reads files and checks paths only: skill code is never imported or run here.
import { lstat, realpath, stat } from "node:fs/promises";
import { basename, join, resolve, sep } from "node:path";
import { fail } from "../runtime/contracts/errors.ts";
import type { DeclaredPermissions } from "../runtime/contracts/permissions.ts";
import type { LoadWarning, Skill } from "../runtime/contracts/skill.ts";
import { TOOL_NAME } from "../runtime/contracts/tool.ts";
import { parseCredentials } from "./credentials-field.ts";
import { checkImplementation } from "./implementation-path.ts";
import { invalidManifest, show } from "./manifest-error.ts";
import { EMPTY_PARAMETERS, parseParameters } from "./params-schema.ts";
import { parsePermissions, samePermissions } from "./permissions-field.ts";
import { parseSkillJson, SKILL_JSON, type SkillJson } from "./skill-json.ts";
import { parseSkillMd, SKILL_MD, type SkillMd } from "./skill-md.ts";
import { compileParams } from "./validate-params.ts";

export interface LoadOptions {
  /** Reject anything outside the Agent Skills spec instead of warning (`skill lint --strict`). */
  strict?: boolean;
}

export interface LoadedSkill {
  skill: Skill;
  warnings: LoadWarning[];
}

const MAX_MANIFEST_BYTES = 1024 * 1024;
const BOTH = `${SKILL_MD}, ${SKILL_JSON}`;

export async function loadSkill(dir: string, opts: LoadOptions = {}): Promise<LoadedSkill> {
  const strict = opts.strict === true;
  const abs = resolve(dir);
  const info = await stat(abs).catch(() => undefined);
  if (!info?.isDirectory()) fail("not_found", `${dir}: no such skill folder`, "pass the path of a folder holding skill.json or SKILL.md");
  const realDir = await realpath(abs);
  const [jsonText, mdText] = await Promise.all([readManifest(realDir, SKILL_JSON), readManifest(realDir, SKILL_MD)]);
  if (jsonText === undefined && mdText === undefined) {
    fail("not_found", `${dir}: no skill.json or SKILL.md in this folder`, "a skill folder holds skill.json (executable skill) or SKILL.md (Agent Skills)");
  }
  const md = mdText === undefined ? undefined : parseSkillMd(mdText, basename(abs), strict);
  const json = jsonText === undefined ? undefined : parseSkillJson(jsonText, { besideSkillMd: md !== undefined });
  const skill = await combine(realDir, md, json);
  // Strict mode (lint) also runs Ajv's full strict compile; the lenient path leaves it to first use.
  if (strict && skill.kind === "executable") {
    try {
      compileParams(skill);
    } catch (err) {
      invalidManifest(json ? SKILL_JSON : SKILL_MD, "parameters", err instanceof Error ? err.message.split("\n")[0]! : "does not compile");
    }
  }
  return { skill, warnings: md?.warnings ?? [] };
}

async function combine(dir: string, md: SkillMd | undefined, json: SkillJson | undefined): Promise<Skill> {
  if (md && json && md.name !== json.name) {
    invalidManifest(BOTH, "name", `${show(md.name)} in SKILL.md differs from ${show(json.name)} in skill.json; they must agree`);
  }
  const mdLine = md?.metadataLine;
  const mdPermissions = md?.machine.permissions === undefined ? undefined : parsePermissions(md.machine.permissions, SKILL_MD, "metadata.moltbot.permissions", mdLine);
  if (mdPermissions && json && !samePermissions(mdPermissions, json.permissions)) {
    invalidManifest(BOTH, "permissions", "SKILL.md metadata.moltbot.permissions differs from skill.json permissions; they must agree");
  }
  const implSource = json?.implementation !== undefined ? SKILL_JSON : SKILL_MD;
  const implField = implSource === SKILL_JSON ? "implementation" : "metadata.moltbot.implementation";
  const rawImpl = json?.implementation ?? md?.machine.implementation;
  const implementation = rawImpl === undefined ? undefined : await checkImplementation(dir, rawImpl, implSource, implField, implSource === SKILL_MD ? mdLine : undefined);
  const name = json?.name ?? md!.name;
  if (implementation !== undefined && !TOOL_NAME.test(name)) {
    invalidManifest(SKILL_MD, "name", `${show(name)} cannot name a tool; expected 1-64 lowercase letters, digits, _ or -`);
  }
  const permissions: DeclaredPermissions = json?.permissions ?? mdPermissions ?? {};
  const skill: Skill = {
    name,
    version: json?.version ?? md?.version ?? "0.0.0",
    description: json?.description ?? md!.description,
    dir,
    kind: implementation === undefined ? "instruction" : "executable",
    parameters: implementation === undefined ? EMPTY_PARAMETERS : json?.parameters ?? parseParameters(md?.machine.parameters, SKILL_MD, "metadata.moltbot.parameters", mdLine),
    permissions,
    credentials: json?.credentials ?? parseCredentials(md?.machine.credentials, SKILL_MD, "metadata.moltbot.credentials", mdLine),
    sources: [md && SKILL_MD, json && SKILL_JSON].filter((s): s is string => typeof s === "string"),
  };
  if (implementation !== undefined) skill.implementation = implementation;
  if (md) skill.body = md.body;
  if (md?.requires) skill.requires = md.requires;
  return skill;
}

async function readManifest(dir: string, file: string): Promise<string | undefined> {
  const path = join(dir, file);
  const link = await lstat(path).catch(() => undefined);
  if (!link) return undefined;
  // A manifest that is a symlink must still live inside the folder (its body reaches the model).
  const real = link.isSymbolicLink() ? await realpath(path).catch(() => "") : path;
  if (!real.startsWith(dir + sep)) invalidManifest(file, undefined, "is a symlink that resolves outside the skill folder");
  const info = await stat(real);
  if (!info.isFile()) invalidManifest(file, undefined, "is not a regular file");
  if (info.size > MAX_MANIFEST_BYTES) invalidManifest(file, undefined, `is ${info.size} bytes; manifests are limited to 1 MiB`);
  return Bun.file(real).text();
}
