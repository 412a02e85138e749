import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MoltFailure } from "../runtime/contracts/errors.ts";
import type { Skill } from "../runtime/contracts/skill.ts";
import { loadSkill } from "./load-skill.ts";
import { checkImports, findImportIssues, IMPORT_RULE, scanImports } from "./skill-imports.ts";

const root = mkdtempSync(join(tmpdir(), "moltbot-imports-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

async function skill(files: Record<string, string>): Promise<Skill> {
  const dir = join(root, `s${n++}`);
  for (const [f, text] of Object.entries({ "skill.json": JSON.stringify({ name: "s", version: "1.0.0", description: "d", implementation: "main.js" }), ...files })) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return (await loadSkill(dir)).skill;
}

describe("scanImports", () => {
  test("static imports, re-exports and import(\"literal\"), each with its line", () => {
    const code = [
      `import a from "lodash";`,
      `import "./side.js";`,
      `import * as fs from 'node:fs';`,
      `export { q } from "./q.js";`,
      `export * from "bun:sqlite";`,
      "const m = await import(`dyn`);",
    ].join("\n");
    expect(scanImports(code)).toEqual([
      { specifier: "lodash", line: 1 }, { specifier: "./side.js", line: 2 }, { specifier: "node:fs", line: 3 },
      { specifier: "./q.js", line: 4 }, { specifier: "bun:sqlite", line: 5 }, { specifier: "dyn", line: 6 },
    ]);
  });

  test("strings, comments, template text and regular expressions that look like imports are not imports", () => {
    const code = [
      `// import x from "lodash";`,
      `/* import("node:fs") */`,
      `const s = "import y from 'lodash'";`,
      "const t = `import(\"node:fs\")`;",
      `const r = /import("lodash")/;`,
      `const lodash = "lodash";`,
      `import ok from "./ok.js";`,
      `export default async () => [s, t, r, lodash, ok];`,
    ].join("\n");
    expect(scanImports(code)).toEqual([{ specifier: "./ok.js", line: 7 }]);
  });

  test("the same specifier twice gives two lines; one spelled with an escape has none", () => {
    expect(scanImports(`import a from "x";\nconst s = "x";\nimport b from "x";\nimport c from "\\x79";`)).toEqual([
      { specifier: "x", line: 1 }, { specifier: "x", line: 3 }, { specifier: "y" },
    ]);
  });
});

describe("findImportIssues / checkImports", () => {
  test("the skill's own files, followed from the implementation, pass", async () => {
    const s = await skill({ "main.js": `import { u } from "./lib/u.js";\nexport default async () => u;`, "lib/u.js": `export { v as u } from "../v.js";`, "v.js": "export const v = 1;" });
    expect(findImportIssues(s)).toEqual([]);
    expect(() => checkImports(s)).not.toThrow();
  });

  test("packages, node:/bun: modules, absolute paths and files outside or missing are reported with file and line", async () => {
    const s = await skill({
      "main.js": `import _ from "lodash";\nimport "./lib/u.js";\nexport default async () => _;`,
      "lib/u.js": `import fs from "node:fs";\nimport "/etc/x.js";\nconst f = () => import("bun:sqlite");\nimport "../../outside.js";\nimport "./gone.js";\nexport { fs, f };`,
    });
    expect(findImportIssues(s).map((i) => `${i.file}:${i.line}: ${i.message}`)).toEqual([
      'main.js:1: imports "lodash", a package the sandbox cannot load',
      'lib/u.js:1: imports "node:fs", a Node module the sandbox cannot load',
      'lib/u.js:2: imports "/etc/x.js", an absolute path the sandbox cannot load',
      'lib/u.js:3: imports "bun:sqlite", a Bun module the sandbox cannot load',
      'lib/u.js:4: imports "../../outside.js": it is outside the skill folder',
      'lib/u.js:5: imports "./gone.js": no such file in the skill folder',
    ]);
    try {
      checkImports(s);
      throw new Error("expected a failure");
    } catch (err) {
      const e = (err as MoltFailure).error;
      expect(e.code).toBe("invalid_manifest");
      expect(e.message).toStartWith('main.js:1: imports "lodash", a package the sandbox cannot load; lib/u.js:1: imports "node:fs"');
      expect(e.message).toEndWith("; and 1 more");
      expect(e.hint).toBe(IMPORT_RULE);
      expect((e.details?.issues as unknown[]).length).toBe(6);
    }
  });

  test("a link out of the folder is refused as the loader refuses it", async () => {
    const s = await skill({ "main.js": `import "./out.js";\nexport default async () => 1;` });
    writeFileSync(join(root, "outside.js"), "export const x = 1;");
    symlinkSync(join(root, "outside.js"), join(s.dir, "out.js"));
    expect(findImportIssues(s).map((i) => i.message)).toEqual(['imports "./out.js": it links outside the skill folder']);
  });

  test("a file that does not parse is reported with its line; files never imported are not judged", async () => {
    const s = await skill({ "main.js": `export default async () => {\n  return [1,\n`, "tool.test.js": `import { test } from "bun:test";` });
    expect(findImportIssues(s)).toEqual([expect.objectContaining({ file: "main.js", line: 2, message: expect.stringContaining("is not a JavaScript module the sandbox can parse") })]);
  });

  test("an instruction skill has no imports to check", async () => {
    const dir = join(root, "instr");
    mkdirSync(dir);
    writeFileSync(join(dir, "SKILL.md"), "---\nname: instr\ndescription: d\n---\nimport x from \"lodash\"\n");
    expect(findImportIssues((await loadSkill(dir)).skill)).toEqual([]);
  });
});
