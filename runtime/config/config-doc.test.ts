// docs/config.md documents every key the schema accepts: a key added to the schema without a
// line in the reference fails here, so the two cannot drift apart.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { configKeysAt, configTypeAt } from "./schema.ts";

const DOC = readFileSync(join(import.meta.dir, "..", "..", "docs", "config.md"), "utf8");

/** Every key path of the schema, through mappings of names (`credentials.<name>`) too. */
function schemaKeys(path: string[] = []): string[][] {
  const out: string[][] = [];
  const below = configTypeAt(path) === "record" ? [...path, "<name>"] : path;
  for (const key of configKeysAt(below)) out.push([...below, key], ...schemaKeys([...below, key]));
  return out;
}

test("every key of the config schema is documented in docs/config.md", () => {
  const keys = schemaKeys();
  expect(keys.map((k) => k.join("."))).toEqual(expect.arrayContaining(["gateway.port", "channels.telegram.webhook_port", "credentials.<name>.value", "mail.smtp.from", "agent.guard.side_effects"]));
  // A key is documented as `key` in its section's table or as `parent.key`.
  const missing = keys.filter((k) => !DOC.includes("`" + k.at(-1) + "`") && !DOC.includes("." + k.at(-1) + "`"));
  expect(missing).toEqual([]);
});

test("every top-level key has a row in the top-level table", () => {
  const start = DOC.indexOf("## Top-level keys");
  const table = DOC.slice(start, DOC.indexOf("\n## ", start + 1));
  for (const key of configKeysAt([])) expect(table).toContain("| `" + key + "` |");
});
