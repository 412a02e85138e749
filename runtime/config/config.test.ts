import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
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
    expect(messageOf("ai_provider: ollama\nai_provider: anthropic\n")).toContain("config.yaml:2: invalid YAML: duplicate key ai_provider;");
    expect(messageOf("ai_provider: ollama\n---\nai_provider: openai\n")).toContain("several YAML documents");
  });

  test("${VAR} fills number and boolean fields, converted strictly", () => {
    const cfg = parseConfig("gateway:\n  port: ${PORT}\nagent:\n  max_steps: ${STEPS:-8}\n  guard: { enabled: \"${GUARD}\" }\n", "c", { PORT: "8080", GUARD: "false" });
    expect(cfg.gateway.port).toBe(8080);
    expect(cfg.agent.max_steps).toBe(8);
    expect(cfg.agent.guard?.enabled).toBe(false);
    const mail = parseConfig(`mail: { imap: { host: h, port: "\${IMAP_PORT}", secure: "\${TLS:-true}" } }\n`, "c", { IMAP_PORT: "993" });
    expect(mail.mail?.imap).toMatchObject({ port: 993, secure: true });
    // Only expanded values are converted: a number written as a string stays an error.
    expect(messageOf('gateway:\n  port: "8080"\n')).toBe('invalid_config: config.yaml:2: gateway.port: got the string "8080"; expected a number');
    // String fields keep the text, even when it looks like a number.
    expect(parseConfig('ollama: { model: "${M}" }\n', "c", { M: "123" }).ollama.model).toBe("123");
  });

  test("an expanded value that does not convert names the field, the variable and the value", () => {
    expect(messageOf("gateway:\n  port: ${PORT}\n", { PORT: "80x" })).toBe('invalid_config: config.yaml:2: gateway.port: got the string "80x" from ${PORT}; expected a number');
    expect(messageOf("agent:\n  max_steps: ${STEPS:-eight}\n")).toBe('invalid_config: config.yaml:2: agent.max_steps: got the string "eight" from ${STEPS:-eight}; expected a number');
    expect(messageOf('agent: { guard: { enabled: "${G}" } }\n', { G: "yes" })).toBe('invalid_config: config.yaml:1: agent.guard.enabled: got the string "yes" from ${G}; expected true or false');
    for (const odd of ["1e3", "0x50", " 80", "80 ", "", "Infinity"]) {
      expect(messageOf("gateway:\n  port: ${PORT:-x}\n", { PORT: odd })).toContain("gateway.port: got the string");
    }
    // Converted, then checked: the range error says where the value came from.
    expect(messageOf("gateway:\n  port: ${PORT}\n", { PORT: "99999" })).toMatch(/^invalid_config: config\.yaml:2: gateway\.port: .*\(got number 99999 from \$\{PORT\}\)$/);
    // Other kinds of errors about an expanded value show it too.
    expect(messageOf('ai_provider: "${P}"\n', { P: "gemini" })).toBe('invalid_config: config.yaml:1: ai_provider: got the string "gemini" from ${P}; expected anthropic | openai | ollama');
    expect(messageOf('ollama: { base_url: "${U}" }\n', { U: "not a url" })).toContain('ollama.base_url: ');
    expect(messageOf('ollama: { base_url: "${U}" }\n', { U: "not a url" })).toContain('(got the string "not a url" from ${U})');
  });

  test("an error never shows a value that may be a secret", () => {
    const secret = "hunter2-secret-value";
    // A variable whose name says it is a secret, in a field that is not one.
    const a = messageOf("gateway:\n  port: ${API_TOKEN}\n", { API_TOKEN: secret });
    expect(a).toBe("invalid_config: config.yaml:2: gateway.port: got the value of ${API_TOKEN} (not shown: it may be a secret); expected a number");
    // A secret field, whatever the variable is called.
    const b = messageOf('channels: { telegram: { token: "${T}", webhook_secret: "${T}" } }\n', { T: "bad secret!" });
    expect(b).toContain("channels.telegram.webhook_secret");
    expect(b).toMatch(/channels\.telegram\.webhook_secret: .* \(the value of \$\{T\} is not shown: it may be a secret\)$/);
    expect(b).not.toContain("bad secret!");
    // A variable that fills a secret field is a secret everywhere it is used.
    const c = messageOf('anthropic: { api_key: "${K}" }\ngateway: { port: "${K}" }\n', { K: secret });
    expect(c).toContain("gateway.port: got the value of ${K} (not shown");
    expect(c).not.toContain("hunter2");
    const d = messageOf('credentials: { gh: { value: "${GH}", host: "" } }\nagent: { max_steps: "${GH}" }\n', { GH: secret });
    expect(d).not.toContain("hunter2");
    for (const name of ["ANTHROPIC_API_KEY", "DB_PASSWORD", "MATRIX_TOKEN", "client_secret", "APIKEY"]) {
      expect(messageOf(`gateway:\n  port: \${${name}}\n`, { [name]: secret })).not.toContain("hunter2");
    }
    // A secret written into the file itself, of the wrong type, is not shown either.
    expect(messageOf("gateway:\n  token: 31415926535\n")).toBe("invalid_config: config.yaml:2: gateway.token: got a number (not shown: it may be a secret); expected a string");
    expect(messageOf("credentials:\n  gh: { value: 27182818 }\n")).not.toContain("27182818");
    // max_tokens is not a secret field, nor MAX_TOKENS a secret variable: its value helps.
    expect(messageOf("anthropic: { api_key: k, max_tokens: \"${MAX_TOKENS}\" }\n", { MAX_TOKENS: "lots" })).toContain('got the string "lots" from ${MAX_TOKENS}');
  });

  test("the hint points at docs/config.md, which exists", () => {
    try {
      parseConfig("ai_provider: gemini\n", "config.yaml", {});
    } catch (err) {
      expect((err as MoltFailure).error.hint).toBe("fix config.yaml; see docs/config.md for the format");
    }
    expect(existsSync(join(import.meta.dir, "..", "..", "docs", "config.md"))).toBe(true);
  });

  test("a duplicate key is named by its path", () => {
    expect(messageOf("channels:\n  telegram:\n    token: a\n    token: b\n")).toBe("invalid_config: config.yaml:4: invalid YAML: duplicate key channels.telegram.token; each key may appear only once");
    expect(messageOf("owners: [a]\ncredentials:\n  gh: { value: x, value: y }\n")).toContain("duplicate key credentials.gh.value;");
  });

  test("a YAML error at the end of the file is reported on its last line", () => {
    expect(messageOf("ai_provider: [unclosed\n")).toMatch(/^invalid_config: config\.yaml:1: invalid YAML: /);
    expect(messageOf("ai_provider: [unclosed")).toMatch(/^invalid_config: config\.yaml:1: invalid YAML: /);
    expect(messageOf("ai_provider: ollama\nowners: [a,\n\n")).toMatch(/^invalid_config: config\.yaml:2: invalid YAML: /);
    expect(messageOf("ai_provider: ollama\r\nowners: [a\r\n")).toMatch(/^invalid_config: config\.yaml:2: invalid YAML: /);
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
