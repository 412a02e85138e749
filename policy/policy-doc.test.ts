// docs/policy.md documents every key the schema accepts: a key added to the schema without a
// line in the reference fails here, so the two cannot drift apart.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allowedKeysAt } from "./schema.ts";

const DOC = readFileSync(join(import.meta.dir, "..", "docs", "policy.md"), "utf8");

/** Every key path of the schema: top level, each block, and a skill's block under a sample name. */
function schemaKeys(): string[][] {
  const out: string[][] = [];
  const walk = (path: string[]) => {
    for (const key of allowedKeysAt(path)) {
      out.push([...path, key]);
      walk([...path, key]);
    }
  };
  walk([]);
  walk(["skills", "web_fetch"]);
  return out;
}

test("every key of the policy schema is documented in docs/policy.md", () => {
  const keys = schemaKeys();
  // The walk reaches the blocks (not only the top level), so a nested key cannot be missed.
  expect(keys.map((k) => k.join("."))).toEqual(expect.arrayContaining(["version", "skills", "trust.default", "limits.stack", "deny.memory", "skills.web_fetch.limits"]));
  const missing = keys.filter((k) => !DOC.includes("`" + k.at(-1) + "`"));
  expect(missing).toEqual([]);
});

test("every top-level key has a row in the top-level table", () => {
  const table = DOC.slice(DOC.indexOf("## Top-level keys"), DOC.indexOf("\n## ", DOC.indexOf("## Top-level keys") + 1));
  for (const key of allowedKeysAt([])) expect(table).toContain("| `" + key + "` |");
});
