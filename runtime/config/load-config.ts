// Reads config.yaml: strict YAML (the policy's reader: unique keys, one document, 1 MiB), then
// ${VAR} expansion (typed where the schema wants a number or boolean), then the zod schema. Errors name file, line, field and the fix. No file at
// all is fine: every key has a zero-config default (Ollama on localhost, gateway on loopback).
import { readFileSync } from "node:fs";
import { fail, MoltFailure } from "../contracts/errors.ts";
import { failOnIssue } from "../../policy/policy-issues.ts";
import { formatPath, lineAt, readYaml, type YamlErrors } from "../../policy/yaml-source.ts";
import { configKeysAt, configSchema, configTypeAt, type Config } from "./schema.ts";
import { expandEnv, type Env } from "./expand-env.ts";
import { expandedOrigins, typeExpanded } from "./typed-env.ts";

const CONFIG_ERRORS: YamlErrors = {
  code: "invalid_config",
  hint: "fix config.yaml; see docs/config.md for the format",
  noun: "config",
  keys: "ai_provider, gateway, channels, ...",
};

export function loadConfig(path: string, env: Env = process.env): Config {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return parseConfig("", path, env);
    fail("invalid_config", `config file ${path} could not be read (${code ?? "error"})`, "check its permissions");
  }
  return parseConfig(text, path, env);
}

/** Parses config text; an empty text (or only comments) gives the defaults. */
export function parseConfig(text: string, file: string, env: Env = process.env): Config {
  if (text.replace(/#.*$/gm, "").trim() === "") return configSchema.parse({});
  const src = readYaml(text, file, CONFIG_ERRORS);
  const { value, missing, cycle, expanded } = expandEnv(src.data, env);
  if (cycle) {
    fail("invalid_config", `${file}:${lineAt(src, cycle)}: ${formatPath(cycle)}: a YAML alias refers to a value that contains it`, "write the value out instead of the alias");
  }
  if (missing) {
    const line = lineAt(src, missing.path);
    fail(
      "invalid_config",
      `${file}:${line}: ${formatPath(missing.path)}: environment variable ${missing.variable} is not set`,
      `set ${missing.variable}, or write \${${missing.variable}:-default} in config.yaml`,
    );
  }
  typeExpanded(value, expanded, configTypeAt);
  const result = configSchema.safeParse(value);
  if (!result.success) {
    const { originOf, secrets } = expandedOrigins(expanded, env);
    try {
      // Messages show values as they were checked (expanded), saying where they came from.
      failOnIssue(result.error.issues[0]!, { ...src, data: value }, configKeysAt, originOf);
    } catch (err) {
      // The message never shows a value that may be secret; this is the last guard of that.
      if (err instanceof MoltFailure) fail(err.error.code, scrub(err.error.message, secrets), err.error.hint);
      throw err;
    }
  }
  return result.data!;
}

function scrub(message: string, values: string[]): string {
  let out = message;
  for (const v of values) if (v.length > 0) out = out.split(v).join("[not shown]");
  return out;
}

/** Every secret value in the config, for redaction in logs, audit and tool results. */
export function secretValues(cfg: Config): string[] {
  const out: string[] = [];
  const add = (v: string | undefined) => {
    if (v && v.length >= 4) out.push(v);
  };
  add(cfg.anthropic?.api_key);
  add(cfg.openai?.api_key);
  add(cfg.gateway.token);
  add(cfg.channels.telegram?.token);
  add(cfg.channels.telegram?.webhook_secret);
  add(cfg.channels.matrix?.access_token);
  add(cfg.channels.matrix?.password);
  add(cfg.mail?.imap?.password);
  add(cfg.mail?.smtp?.password);
  for (const c of Object.values(cfg.credentials)) add(c.value);
  return out;
}
