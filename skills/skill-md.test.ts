import { afterAll, describe, expect, test } from "bun:test";
import { loadSkill } from "./index.ts";
import { failureOf } from "./expect-failure.ts";
import { tempRoot } from "./temp-skill-dir.ts";

const tmp = tempRoot();
afterAll(() => tmp.cleanup());
let n = 0;
const md = (front: string, body = "# Use\nDo the thing.\n") => `---\n${front}\n---\n${body}`;
const IMPL = "export default async () => 1;";

/** A folder named `folder` (unique per call) holding these files. */
function skill(folder: string, files: Record<string, string | object>): string {
  return tmp.skill(`${n++}/${folder}`, files);
}

async function error(dir: string, strict = false): Promise<string> {
  const e = await failureOf(loadSkill(dir, { strict }));
  expect(e.code).toBe("invalid_manifest");
  return e.message;
}

describe("instruction skills", () => {
  test("a spec-conformant SKILL.md loads the same in both modes", async () => {
    const dir = skill("pdf-tools", { "SKILL.md": md("name: pdf-tools\ndescription: Work with PDFs.\nlicense: MIT\nmetadata:\n  version: \"2.1.0\"\n  author: me") });
    for (const strict of [true, false]) {
      const { skill: s, warnings } = await loadSkill(dir, { strict });
      expect(warnings).toEqual([]);
      expect(s).toMatchObject({ name: "pdf-tools", description: "Work with PDFs.", kind: "instruction", version: "2.1.0", sources: ["SKILL.md"], permissions: {}, credentials: [] });
      expect(s.body).toBe("# Use\nDo the thing.\n");
      expect(s.parameters).toEqual({ type: "object", properties: {}, additionalProperties: false });
      expect(s.implementation).toBeUndefined();
    }
  });

  test("without metadata.version the version is 0.0.0", async () => {
    expect((await loadSkill(skill("a", { "SKILL.md": md("name: a\ndescription: d") }))).skill.version).toBe("0.0.0");
  });

  test("a BOM and CRLF line endings are accepted", async () => {
    const dir = skill("crlf", { "SKILL.md": "\uFEFF---\r\nname: crlf\r\ndescription: d\r\n---\r\nbody\r\n" });
    const { skill: s } = await loadSkill(dir, { strict: true });
    expect(s.body).toBe("body\n");
  });

  test("legacy OpenClaw metadata fills requires", async () => {
    const front = 'name: w\ndescription: d\nmetadata: {"clawdbot":{"requires":{"bins":["curl"],"env":["API_KEY"]}}}';
    const { skill: s, warnings } = await loadSkill(skill("w", { "SKILL.md": md(front) }));
    expect(s.requires).toEqual({ bins: ["curl"], env: ["API_KEY"] });
    expect(warnings.map((w) => w.field)).toEqual(["metadata.clawdbot"]);
  });
});

describe("strict rejects, lenient warns", () => {
  const cases: [string, string, string, string][] = [
    ["a Title Case name", "bad", "name: Foo Bar\ndescription: d", 'SKILL.md:2: name: "Foo Bar" must be 1-64 lowercase letters, digits and single hyphens'],
    ["a double hyphen", "a--b", "name: a--b\ndescription: d", 'SKILL.md:2: name: "a--b" must be 1-64 lowercase letters, digits and single hyphens'],
    ["a name that is not the folder", "folder", "name: other\ndescription: d", 'SKILL.md:2: name: "other" must equal the folder name "folder"'],
    ["an extra key", "x", "name: x\ndescription: d\nhomepage: https://x", "SKILL.md:4: homepage: not a standard field; expected only name, description, license, compatibility, metadata, allowed-tools"],
    ["a description over 1024 code points", "x", `name: x\ndescription: ${"é".repeat(1025)}`, "SKILL.md:3: description: is 1025 characters; at most 1024 allowed"],
    ["a long compatibility", "x", `name: x\ndescription: d\ncompatibility: ${"c".repeat(501)}`, "SKILL.md:4: compatibility: is 501 characters; at most 500 allowed"],
    ["a list allowed-tools", "x", "name: x\ndescription: d\nallowed-tools: [Read, Bash]", "SKILL.md:4: allowed-tools: expected a string, got array"],
    ["a numeric license", "x", "name: x\ndescription: d\nlicense: 2", "SKILL.md:4: license: expected a string, got number"],
    ["nested metadata", "x", "name: x\ndescription: d\nmetadata:\n  a:\n    b: c", "SKILL.md:4: metadata.a: expected a string value (metadata is a map of string to string), got object"],
    ["a numeric name", "123", "name: 123\ndescription: d", "SKILL.md:2: name: expected a string, got number"],
    ["a YAML error", "x", "name: x\ndescription: Use it: like this", "SKILL.md:3: invalid YAML"],
    ["a duplicate key", "x", "name: x\ndescription: one\ndescription: two", "SKILL.md:4: invalid YAML: Map keys must be unique"],
  ];
  test.each(cases)("%s", async (_label, folder, front, expected) => {
    const dir = skill(folder, { "SKILL.md": md(front) });
    expect(await error(dir, true)).toStartWith(expected);
    const { warnings } = await loadSkill(dir);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]!.file).toStartWith("SKILL.md");
  });

  test("lenient YAML fallback reads key: value lines, keeping the first duplicate", async () => {
    const dir = skill("x", { "SKILL.md": md("name: x\ndescription: Use it: like this\ndescription: second") });
    const { skill: s, warnings } = await loadSkill(dir);
    expect(s.description).toBe("Use it: like this");
    expect(warnings[0]!.message).toContain("read line by line");
  });

  test("lenient keeps the declared name when it is not the folder name", async () => {
    const { skill: s } = await loadSkill(skill("folder", { "SKILL.md": md("name: Old Style Name\ndescription: d") }));
    expect(s.name).toBe("Old Style Name");
  });
});

describe("rejected in both modes", () => {
  const cases: [string, string, string, string?][] = [
    ["no frontmatter", "# Title\n\nname: x\n", "SKILL.md:1: no frontmatter: the first line must be ---"],
    ["text before the frontmatter", "<!-- c -->\n---\nname: x\ndescription: d\n---\n", "SKILL.md:1: no frontmatter"],
    ["unclosed frontmatter", "---\nname: x\ndescription: d\n", "SKILL.md:1: frontmatter is not closed"],
    ["a closing line with trailing text", "---\nname: x\ndescription: d\n--- \n", "SKILL.md:1: frontmatter is not closed"],
    ["no name", md("description: d"), "SKILL.md: name: required"],
    ["a blank name", md('name: ""\ndescription: d'), "SKILL.md:2: name: required"],
    ["no description", md("name: x"), "SKILL.md: description: required"],
    ["a blank description", md("name: x\ndescription: '   '"), "SKILL.md:3: description: expected a non-blank string"],
    ["a list description", md("name: x\ndescription: [a]"), "SKILL.md:3: description: expected a non-blank string, got array"],
    // Lenient mode falls back to reading lines, which finds no name.
    ["a frontmatter that is a list", md("- a\n- b"), "SKILL.md:2: frontmatter must be a YAML mapping", "SKILL.md: name: required"],
  ];
  const rows = cases.map(([label, text, expected, lenient]) => ({ label, text, expected, lenient: lenient ?? expected }));
  test.each(rows)("$label", async ({ text, expected, lenient }) => {
    const dir = skill("x", { "SKILL.md": text });
    expect(await error(dir, true)).toStartWith(expected);
    expect(await error(dir, false)).toStartWith(lenient);
  });
});

describe("executable SKILL.md skills", () => {
  const json = { name: "fetch-page", parameters: { url: { type: "string", required: true } }, implementation: "main.js", permissions: { net: ["example.com:443"] } };

  test("machine fields from a sibling skill.json (valid in strict mode)", async () => {
    const dir = skill("fetch-page", { "SKILL.md": md("name: fetch-page\ndescription: Fetch a page.\nmetadata:\n  version: 1.2.0"), "skill.json": json, "main.js": IMPL });
    const { skill: s } = await loadSkill(dir, { strict: true });
    expect(s).toMatchObject({ name: "fetch-page", kind: "executable", implementation: "main.js", description: "Fetch a page.", version: "1.2.0", sources: ["SKILL.md", "skill.json"] });
    expect(s.permissions).toEqual({ net: ["example.com:443"] });
    expect(s.parameters.required).toEqual(["url"]);
    expect(s.body).toContain("Do the thing.");
  });

  test("SKILL.md and skill.json must agree on the name", async () => {
    const dir = skill("fetch-page", { "SKILL.md": md("name: fetch-page\ndescription: d"), "skill.json": { ...json, name: "fetch_page" }, "main.js": IMPL });
    expect(await error(dir)).toBe('SKILL.md, skill.json: name: "fetch-page" in SKILL.md differs from "fetch_page" in skill.json; they must agree');
  });

  test("SKILL.md and skill.json must agree on permissions", async () => {
    const front = 'name: fetch-page\ndescription: d\nmetadata:\n  moltbot: \'{"permissions": ["network_access"]}\'';
    const dir = skill("fetch-page", { "SKILL.md": md(front), "skill.json": json, "main.js": IMPL });
    expect(await error(dir)).toBe("SKILL.md, skill.json: permissions: SKILL.md metadata.moltbot.permissions differs from skill.json permissions; they must agree");
  });

  test("the same permissions in another order agree", async () => {
    const front = 'name: fetch-page\ndescription: d\nmetadata:\n  moltbot: \'{"permissions": {"net": ["example.com:443"], "write": []}}\'';
    const dir = skill("fetch-page", { "SKILL.md": md(front), "skill.json": json, "main.js": IMPL });
    expect((await loadSkill(dir)).skill.kind).toBe("executable");
  });

  test("lenient: machine fields from nested metadata.moltbot", async () => {
    const front = "name: shout\ndescription: d\nmetadata:\n  moltbot:\n    implementation: main.js\n    permissions: [env_access]\n    parameters:\n      text: { type: string, required: true }\n    requires: { bins: [say] }";
    const { skill: s } = await loadSkill(skill("shout", { "SKILL.md": md(front), "main.js": IMPL }));
    expect(s).toMatchObject({ kind: "executable", implementation: "main.js", permissions: { env: "all" }, requires: { bins: ["say"] } });
    expect(s.parameters.required).toEqual(["text"]);
  });

  test("lenient: machine fields from a JSON-string metadata.moltbot, errors point at its line", async () => {
    const front = 'name: shout\ndescription: d\nmetadata:\n  moltbot: \'{"implementation": "main.js", "permissions": ["shell"]}\'';
    expect(await error(skill("shout", { "SKILL.md": md(front), "main.js": IMPL }))).toStartWith('SKILL.md:4: metadata.moltbot.permissions[0]: "shell" is not a permission');
  });

  test("strict: machine fields in metadata are rejected, pointing to skill.json", async () => {
    const front = 'name: shout\ndescription: d\nmetadata:\n  moltbot: \'{"implementation": "main.js"}\'';
    expect(await error(skill("shout", { "SKILL.md": md(front), "main.js": IMPL }), true)).toStartWith("SKILL.md:4: metadata.moltbot.implementation: machine fields belong in a sibling skill.json");
  });

  test("an implementation escaping via metadata.moltbot is rejected", async () => {
    const front = 'name: shout\ndescription: d\nmetadata:\n  moltbot: \'{"implementation": "../x.js"}\'';
    expect(await error(skill("shout", { "SKILL.md": md(front) }))).toBe("SKILL.md:4: metadata.moltbot.implementation: must stay inside the skill folder (no ../)");
  });

  test("an executable skill needs a name usable as a tool name, even when lenient", async () => {
    const front = 'name: Shout Loud\ndescription: d\nmetadata:\n  moltbot: \'{"implementation": "main.js"}\'';
    expect(await error(skill("shout", { "SKILL.md": md(front), "main.js": IMPL }))).toStartWith('SKILL.md: name: "Shout Loud" cannot name a tool');
  });

  test("strict mode compiles the schema, so Ajv strict-mode problems surface at load", async () => {
    const bad = { ...json, parameters: { type: "object", properties: {}, required: ["ghost"] } };
    const dir = skill("fetch-page", { "SKILL.md": md("name: fetch-page\ndescription: d"), "skill.json": bad, "main.js": IMPL });
    expect(await error(dir, true)).toStartWith("skill.json: parameters: strict mode: required property \"ghost\" is not defined");
  });
});

describe("hostile frontmatter", () => {
  const keys = (count: number) => Array.from({ length: count }, (_, i) => `k${i}: v`).join("\n");

  test("a frontmatter of 40,000 keys (380 KiB) loads; each extra key is one warning", async () => {
    const { skill: s, warnings } = await loadSkill(skill("many", { "SKILL.md": md(`name: many\ndescription: d\n${keys(40000)}`) }));
    expect(s.name).toBe("many");
    expect(warnings).toHaveLength(40000);
    expect(warnings[39999]).toEqual({ file: "SKILL.md:40003", field: "k39999", message: expect.stringContaining("not a standard field") });
  });

  test("a duplicate key among thousands is reported with its name and line", async () => {
    const dir = skill("x", { "SKILL.md": md(`name: x\ndescription: d\n${keys(5000)}\nk17: again`) });
    expect(await error(dir, true)).toBe('SKILL.md:5004: invalid YAML: Map keys must be unique; "k17" appears more than once');
  });

  test("a duplicate key inside a nested mapping is reported at its line", async () => {
    const dir = skill("x", { "SKILL.md": md("name: x\ndescription: d\nmetadata:\n  author: a\n  version: '1'\n  author: b") });
    expect(await error(dir, true)).toBe('SKILL.md:7: invalid YAML: Map keys must be unique; "author" appears more than once');
  });

  test("keys that become the same object key are duplicates (1 and \"1\")", async () => {
    const dir = skill("x", { "SKILL.md": md('name: x\ndescription: d\nmetadata:\n  1: a\n  "1": b') });
    expect(await error(dir, true)).toBe('SKILL.md:6: invalid YAML: Map keys must be unique; "1" appears more than once');
  });

  test("a line of 160,000 spaces before U+2028 is read by the line reader", async () => {
    const dir = skill("x", { "SKILL.md": md(`name: x\ndescription: broken: yaml\nx:${" ".repeat(160000)}\u2028`) });
    const { skill: s, warnings } = await loadSkill(dir);
    expect(s.description).toBe("broken: yaml");
    expect(warnings[0]!.message).toContain("read line by line");
    expect(warnings).toContainEqual({ file: "SKILL.md:4", field: "x", message: expect.stringContaining("not a standard field") });
  });

  test("__proto__ is an ordinary key for the line reader: it cannot supply an inherited name", async () => {
    const dir = skill("x", { "SKILL.md": md("description: broken: yaml\n__proto__:\n  name: hidden\n  description: from proto") });
    expect(await error(dir)).toBe("SKILL.md: name: required; expected the skill's name, e.g. name: my-skill");
  });

  test("__proto__ is an ordinary key, warned about at its line like any extra key", async () => {
    for (const front of ["name: x\ndescription: d\n__proto__: v", "name: x\ndescription: broken: yaml\n__proto__:\n  a: b"]) {
      const { skill: s, warnings } = await loadSkill(skill("x", { "SKILL.md": md(front) }));
      expect(s.description).toBe(front.includes("broken") ? "broken: yaml" : "d");
      expect(warnings).toContainEqual({ file: "SKILL.md:4", field: "__proto__", message: expect.stringContaining("not a standard field") });
    }
  });
});
