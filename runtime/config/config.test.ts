import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MoltFailure } from "../contracts/errors.ts";
import { DEFAULT_CONFIG_YAML } from "../home-init.ts";
import { loadConfig, parseConfig, secretValues } from "./index.ts";
import { expandEnv } from "./expand-env.ts";

const messageOf = (text: string, env: Record<string, string> = {}) => {
  try {
    parseConfig(text, "config.yaml", env);
  } catch (err) {
    if (err instanceof MoltFailure) return `${err.error.code}: ${err.error.message}`;
    throw err;
  }
  return "no error";
};

describe("config.yaml", () => {
  test("no file, an empty file and the shipped default all give zero-config defaults", () => {
    const none = loadConfig(join(mkdtempSync(join(tmpdir(), "moltbot-cfg-")), "config.yaml"), {});
    expect(none).toMatchObject({ ai_provider: "ollama", ollama: { model: "llama3.2", base_url: "http://localhost:11434" }, gateway: { host: "127.0.0.1", port: 18789 } });
    expect(parseConfig("# only comments\n", "c", {})).toEqual(none);
    expect(parseConfig(DEFAULT_CONFIG_YAML, "c", {})).toMatchObject({ ai_provider: "ollama", gateway: { host: "127.0.0.1", port: 18789 } });
  });

  test("${VAR} and ${VAR:-default} are expanded", () => {
    const cfg = parseConfig(`ai_provider: anthropic\nanthropic: { api_key: "\${KEY}", model: "\${MODEL:-claude-x}" }\ngateway: { token: "pre-\${TOK}" }\n`, "c", { KEY: "sk-123", TOK: "abc" });
    expect(cfg.anthropic).toMatchObject({ api_key: "sk-123", model: "claude-x" });
    expect(cfg.gateway.token).toBe("pre-abc");
  });

  test("text after the last } and unclosed ${ are kept as written", () => {
    const cfg = parseConfig(`gateway: { token: "\${TOK}-\${TOK:-x}}\${NOPE:-y" }\n`, "c", { TOK: "abc" });
    expect(cfg.gateway.token).toBe("abc-abc}\${NOPE:-y");
    const unclosed = "\${a:-".repeat(20_000);
    expect(expandEnv({ x: unclosed }, {}).value).toEqual({ x: unclosed });
  });

  test("an alias that contains itself, and a __proto__ key, are one-line errors", () => {
    expect(messageOf(`ai_provider: ollama\nowners: &a [*a]\n`)).toMatch(/^invalid_config: config.yaml:2: owners\[0\]: a YAML alias refers to a value that contains it$/);
    expect(messageOf(`gateway:\n  __proto__: { token: "t0ken-value-long-enough" }\n`)).toMatch(/^invalid_config: config.yaml:2: gateway\.__proto__: unknown key/);
  });

  test("a missing variable names the variable, the line and the field", () => {
    expect(messageOf(`ai_provider: anthropic\nanthropic:\n  api_key: "\${ANTHROPIC_API_KEY}"\n`)).toBe(
      "invalid_config: config.yaml:3: anthropic.api_key: environment variable ANTHROPIC_API_KEY is not set",
    );
  });

  test("unknown keys, wrong types and bad enums name file, line and field", () => {
    expect(messageOf("gateway:\n  host: 127.0.0.1\n  prot: 80\n")).toBe('invalid_config: config.yaml:3: gateway.prot: unknown key "prot"; allowed keys: host, port, token');
    expect(messageOf("gateway:\n  port: high\n")).toBe('invalid_config: config.yaml:2: gateway.port: got the string "high"; expected a number');
    expect(messageOf("ai_provider: gemini\n")).toBe('invalid_config: config.yaml:1: ai_provider: got the string "gemini"; expected anthropic | openai | ollama');
    expect(messageOf("channels:\n  telegram:\n    token: t\n    dm: everyone\n")).toContain("config.yaml:4: channels.telegram.dm");
  });

  test("duplicate keys and several documents are errors, never last-one-wins", () => {
    expect(messageOf("ai_provider: ollama\nai_provider: anthropic\n")).toContain("config.yaml:2: invalid YAML: duplicate key");
    expect(messageOf("ai_provider: ollama\n---\nai_provider: openai\n")).toContain("several YAML documents");
  });

  test("an error never shows a value that came from the environment", () => {
    const msg = messageOf(`gateway: { port: "\${PORT}" }\n`, { PORT: "hunter2-secret" });
    expect(msg).toContain("gateway.port");
    expect(msg).not.toContain("hunter2");
  });

  test("secretValues lists every secret for redaction", () => {
    const cfg = parseConfig(`anthropic: { api_key: sk-ant-1 }\ngateway: { token: gw-token }\nchannels: { telegram: { token: tg-token-1 } }\ncredentials: { github: { value: ghp_abc } }\nmail: { imap: { host: h, port: 993, password: imap-pw } }\n`, "c", {});
    expect(secretValues(cfg).sort()).toEqual(["ghp_abc", "gw-token", "imap-pw", "sk-ant-1", "tg-token-1"].sort());
  });

  test("a config file on disk is read", () => {
    const dir = mkdtempSync(join(tmpdir(), "moltbot-cfg-"));
    writeFileSync(join(dir, "config.yaml"), "gateway: { port: 19999 }\n");
    expect(loadConfig(join(dir, "config.yaml"), {}).gateway.port).toBe(19999);
  });
});
