import { afterAll, describe, expect, test } from "bun:test";
import { loadSkill, validateParams } from "./index.ts";
import { failureOf } from "./expect-failure.ts";
import { tempRoot } from "./temp-skill-dir.ts";

const tmp = tempRoot();
afterAll(() => tmp.cleanup());
let n = 0;

const base = {
  name: "airline_checkin",
  version: "1.0.0",
  description: "Check in for flights",
  parameters: { confirmation_number: { type: "string", required: true } },
  implementation: "checkin.js",
  permissions: ["network_access", "browser_control"],
};
const IMPL = "export default async (params) => ({ ok: true });\n";

/** `{ [keyword]: { [keyword]: ... leaf } }`, `levels` schemas deep. */
function nest(keyword: string, levels: number, leaf: object = {}): object {
  let schema: object = leaf;
  for (let i = 1; i < levels; i++) schema = { [keyword]: schema };
  return schema;
}

function make(manifest: object | string, files: Record<string, string> = { "checkin.js": IMPL }): string {
  return tmp.skill(`s${n++}`, { "skill.json": manifest, ...files });
}

async function messageFor(manifest: object | string, files?: Record<string, string>): Promise<string> {
  const e = await failureOf(loadSkill(make(manifest, files)));
  expect(e.code).toBe("invalid_manifest");
  return e.message;
}

describe("skill.json that loads", () => {
  test("DESIGN's example: shorthand parameters and coarse permissions", async () => {
    const { skill, warnings } = await loadSkill(make(base));
    expect(warnings).toEqual([]);
    expect(skill).toMatchObject({ name: "airline_checkin", version: "1.0.0", kind: "executable", implementation: "checkin.js", sources: ["skill.json"], credentials: [] });
    expect(skill.permissions).toEqual({ net: "all", browser: true });
    expect(skill.parameters).toEqual({
      type: "object",
      properties: { confirmation_number: { type: "string" } },
      required: ["confirmation_number"],
      additionalProperties: false,
    });
    expect(skill.body).toBeUndefined();
  });

  test("every coarse permission maps to its kind", async () => {
    const all = ["network_access", "browser_control", "file_read", "file_write", "shell_execute", "camera_access", "env_access"];
    const { skill } = await loadSkill(make({ ...base, permissions: all }));
    expect(skill.permissions).toEqual({ net: "all", browser: true, read: "all", write: "all", run: "all", camera: true, env: "all" });
  });

  test("scoped permissions keep their values; empty lists and false are undeclared", async () => {
    const permissions = { net: ["api.example.com:443", "*.wikipedia.org", "10.0.0.0/8", "[::1]:8080"], read: ["~/Documents"], write: [], run: ["git"], env: ["HOME", "MY_*"], browser: true, camera: false };
    const { skill } = await loadSkill(make({ ...base, permissions }));
    expect(skill.permissions).toEqual({ net: ["api.example.com:443", "*.wikipedia.org", "10.0.0.0/8", "[::1]:8080"], read: ["~/Documents"], run: ["git"], env: ["HOME", "MY_*"], browser: true });
  });

  test("memory and mail accesses are scoped values", async () => {
    const { skill } = await loadSkill(make({ ...base, permissions: { memory: ["read", "write", "read"], mail: ["read"] } }));
    expect(skill.permissions).toEqual({ memory: ["read", "write"], mail: ["read"] });
  });

  test("no permissions field declares nothing", async () => {
    const { permissions: _, ...rest } = base;
    expect((await loadSkill(make(rest))).skill.permissions).toEqual({});
  });

  test("a full JSON Schema is kept as written", async () => {
    const parameters = { type: "object", properties: { q: { type: "string", minLength: 1 }, opts: { type: "object", properties: { n: { type: "integer" } } } }, required: ["q"] };
    const { skill } = await loadSkill(make({ ...base, parameters }));
    expect(skill.parameters).toEqual(parameters);
  });

  test("a schema nested exactly 64 levels deep loads and validates", async () => {
    // The root, then `a` and 62 `not`s around it: an even count, so `a` must be a string.
    const parameters = { type: "object", properties: { a: nest("not", 63, { type: "string" }) } };
    const { skill } = await loadSkill(make({ ...base, parameters }), { strict: true });
    expect(skill.parameters).toEqual(parameters);
    expect(validateParams(skill, { a: 1 })).toEqual({ ok: false, error: expect.objectContaining({ code: "invalid_params" }) });
    expect(validateParams(skill, { a: "x" })).toEqual({ ok: true, value: { a: "x" } });
  });

  test("credentials are read", async () => {
    const credentials = [{ name: "github", host: "api.github.com", header: "Authorization", format: "Bearer {value}" }];
    expect((await loadSkill(make({ ...base, credentials }))).skill.credentials).toEqual(credentials);
  });

  test("a leading BOM is ignored", async () => {
    expect((await loadSkill(make("\uFEFF" + JSON.stringify(base)))).skill.name).toBe("airline_checkin");
  });
});

describe("skill.json errors name the file, field and what is expected", () => {
  const cases: [string, object | string, string][] = [
    ["a misspelt coarse permission", { ...base, permissions: ["network_access", "net_access"] }, 'skill.json: permissions[1]: "net_access" is not a permission; expected one of network_access, browser_control, file_read, file_write, shell_execute, camera_access, env_access'],
    ["a memory access that does not exist", { ...base, permissions: { memory: ["read", "delete"] } }, "skill.json: permissions.memory[1]: must be read or write"],
    ["an unknown scoped kind", { ...base, permissions: { net: [], email: ["x"] } }, "skill.json: permissions.email: unknown permission kind; expected net, read, write, run, env, mail, memory, browser, camera"],
    ["a URL where a host is expected", { ...base, permissions: { net: ["https://api.example.com/v1"] } }, "skill.json: permissions.net[0]: must be a host, host:port, *.domain, IP or CIDR (no scheme, no path)"],
    ["a bad env name", { ...base, permissions: { env: ["MY VAR"] } }, "skill.json: permissions.env[0]: must be a variable name or PREFIX_*"],
    ["permissions of the wrong type", { ...base, permissions: "network_access" }, 'skill.json: permissions: expected a list like ["network_access"] or a map like {"net": ["api.example.com:443"]}'],
    ["a boolean kind given a list", { ...base, permissions: { browser: ["x"] } }, "skill.json: permissions.browser: expected boolean, got array"],
    ["an unknown top-level field", { ...base, permisions: [] }, "skill.json: permisions: unknown field; expected one of name, version, description, parameters, implementation, permissions, credentials"],
    ["a name that is not a tool name", { ...base, name: "Airline Checkin" }, 'skill.json: name: "Airline Checkin" must be 1-64 lowercase letters, digits, _ or -, starting with a letter or digit'],
    ["a missing name", (({ name: _, ...r }) => r)(base), "skill.json: name: required; expected string"],
    ["a non-string name", { ...base, name: 7 }, "skill.json: name: expected string, got number"],
    ["a bad version", { ...base, version: "latest" }, "skill.json: version: must be a version like 1.0.0"],
    ["a missing version", (({ version: _, ...r }) => r)(base), "skill.json: version: required"],
    ["a blank description", { ...base, description: "  " }, "skill.json: description: must not be blank"],
    ["a missing implementation", (({ implementation: _, ...r }) => r)(base), "skill.json: implementation: required; skill.json describes an executable skill (use SKILL.md alone for instructions)"],
    ["a non-object manifest", "[1, 2]", "skill.json: expected one JSON object"],
    ["broken JSON", '{ "name": "x", }', "skill.json: not valid JSON"],
    ["a duplicate key", '{\n "name": "a",\n "permissions": [],\n "permissions": ["shell_execute"]\n}', "skill.json:4: permissions: duplicate key; each field may appear once"],
    ["a shorthand field without a type", { ...base, parameters: { q: { required: true } } }, "skill.json: parameters.q.type: expected one of string, number, integer, boolean, array, object, null"],
    ["a shorthand field that is not an object", { ...base, parameters: { q: "string" } }, 'skill.json: parameters.q: expected {"type": ..., "required"?: true, "description"?: ...}, got string'],
    ["a shorthand required that is not boolean", { ...base, parameters: { q: { type: "string", required: "yes" } } }, "skill.json: parameters.q.required: expected true or false, got string"],
    ["a shorthand keyword typo", { ...base, parameters: { q: { type: "string", maxLenght: 3 } } }, "skill.json: parameters.q.maxLenght: unknown JSON Schema keyword"],
    ["a non-object schema", { ...base, parameters: { type: "string" } }, 'skill.json: parameters.type: "string" is not allowed; parameters must be an object schema ("type": "object")'],
    ["a schema that breaks the meta-schema", { ...base, parameters: { type: "object", required: "q" } }, "skill.json: parameters.required: must be an array of unique property names"],
    ["a bad regex pattern", { ...base, parameters: { q: { type: "string", pattern: "([a-z" } } }, "skill.json: parameters.q.pattern: is not a valid regular expression"],
    ["a negative minLength", { ...base, parameters: { q: { type: "string", minLength: -1 } } }, "skill.json: parameters.q.minLength: must be a non-negative integer"],
    ["an unknown nested type", { ...base, parameters: { type: "object", properties: { a: { type: "str" } } } }, "skill.json: parameters.properties.a.type: must be one of string, number, integer, boolean, array, object, null"],
    ["an empty anyOf", { ...base, parameters: { type: "object", anyOf: [] } }, "skill.json: parameters.anyOf: must be a non-empty array of schemas"],
    ["a nested unknown keyword", { ...base, parameters: { type: "object", properties: { a: { type: "array", items: { type: "string", patern: "x" } } } } }, "skill.json: parameters.properties.a.items.patern: unknown JSON Schema keyword"],
    ["an unknown format", { ...base, parameters: { type: "object", properties: { a: { type: "string", format: "phone" } } } }, 'skill.json: parameters.properties.a.format: unknown format "phone"'],
    ["a schema nested 1000 levels deep", JSON.stringify({ ...base, parameters: { type: "object", properties: { a: nest("not", 1000) } } }), "skill.json: parameters.properties.a.not.not.not.not: schemas below this field nest more than 64 levels deep; at most 64 are allowed"],
    ["a schema one level over the limit", { ...base, parameters: { type: "object", properties: { a: nest("not", 64) } } }, "skill.json: parameters.properties.a.not.not.not.not: schemas below this field nest more than 64 levels deep"],
    ["a default nested 1000 levels deep", JSON.stringify({ ...base, parameters: { q: { type: "array", default: JSON.parse("[".repeat(1000) + "]".repeat(1000)) } } }), "skill.json: parameters.q.default: values below this field nest more than 64 levels deep; at most 64 are allowed"],
    ["an inherited property name used as a keyword", { ...base, parameters: { q: { type: "string", constructor: "x" } } }, "skill.json: parameters.q.constructor: unknown JSON Schema keyword"],
    ["a pattern with a backreference", { ...base, parameters: { q: { type: "string", pattern: "^(a+)\\1$" } } }, "skill.json: parameters.q.pattern: cannot be run by the linear-time regex engine (backreference \\1); backreferences, lookahead/lookbehind and repeat counts over 1000 are not supported"],
    ["a pattern with a lookahead", { ...base, parameters: { q: { type: "string", pattern: "^(?=.*\\d).+$" } } }, "skill.json: parameters.q.pattern: cannot be run by the linear-time regex engine (invalid or unsupported Perl syntax: `(?=`)"],
    ["a patternProperties key with a lookbehind", { ...base, parameters: { type: "object", patternProperties: { "(?<!x)y": { type: "string" } } } }, 'skill.json: parameters.patternProperties["(?<!x)y"]: cannot be run by the linear-time regex engine'],
    ["a patternProperties key that is no regex", { ...base, parameters: { type: "object", patternProperties: { "([a-z": { type: "string" } } } }, 'skill.json: parameters.patternProperties["([a-z"]: is not a valid regular expression'],
    ["parameters that are a list", { ...base, parameters: [] }, "skill.json: parameters: expected an object (field shorthand or JSON Schema), got array"],
    ["a credential without {value}", { ...base, credentials: [{ name: "gh", host: "api.github.com", header: "Authorization", format: "Bearer" }] }, 'skill.json: credentials[0].format: must contain "{value}"'],
    ["a credential host with a scheme", { ...base, credentials: [{ name: "gh", host: "https://api.github.com", header: "Authorization", format: "{value}" }] }, "skill.json: credentials[0].host: must be a host name"],
    ["a credential with an extra field", { ...base, credentials: [{ name: "gh", host: "a.b", header: "X", format: "{value}", value: "secret" }] }, "skill.json: credentials[0].value: unknown field; expected name, host, header, format"],
  ];
  test.each(cases)("%s", async (_label, manifest, expected) => {
    expect(await messageFor(manifest)).toStartWith(expected);
  });

  test("messages never echo long values", async () => {
    const long = "x".repeat(500);
    const msg = await messageFor({ ...base, permissions: [long] });
    expect(msg.length).toBeLessThan(300);
    expect(msg).not.toContain(long);
  });
});

describe("missing things are not_found with a hint", () => {
  test("no such folder", async () => {
    const e = await failureOf(loadSkill(`${tmp.root}/nope`));
    expect(e.code).toBe("not_found");
    expect(e.message).toContain("no such skill folder");
    expect(e.hint).toBeTruthy();
  });
  test("a folder without a manifest", async () => {
    const e = await failureOf(loadSkill(tmp.skill("empty", { "README.md": "hi" })));
    expect(e.code).toBe("not_found");
    expect(e.message).toContain("no skill.json or SKILL.md");
    expect(e.hint).toContain("skill.json");
  });
});
