// Every real published SKILL.md in the shared fixtures, in both modes, must load or fail
// exactly as MANIFEST.tsv says.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MoltFailure } from "../runtime/contracts/errors.ts";
import { loadSkill } from "./index.ts";
import { tempRoot } from "./temp-skill-dir.ts";

const FIXTURES = join(import.meta.dir, "../../shared/fixtures/skills");
const rows = readFileSync(join(FIXTURES, "MANIFEST.tsv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => line.split("\t"))
  .map(([folder, , , , , strict, lenient]) => ({ folder: folder!, strict: strict === "yes", lenient: lenient === "yes" }));

const tmp = tempRoot();
afterAll(() => tmp.cleanup());

function copy(folder: string): string {
  const dir = join(tmp.root, folder);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(FIXTURES, folder, "SKILL.md"), join(dir, "SKILL.md"));
  return dir;
}

async function outcome(dir: string, strict: boolean): Promise<true | string> {
  try {
    await loadSkill(dir, { strict });
    return true;
  } catch (err) {
    if (!(err instanceof MoltFailure)) throw err;
    expect(err.error.code).toBe("invalid_manifest");
    expect(err.error.message).toStartWith("SKILL.md");
    return err.error.message;
  }
}

test("the manifest lists all 45 fixtures", () => {
  expect(rows.length).toBe(45);
});

describe.each(rows)("fixture $folder", (row) => {
  test(`strict ${row.strict ? "loads" : "rejects"}, lenient ${row.lenient ? "loads" : "rejects"}`, async () => {
    const dir = copy(row.folder);
    const strict = await outcome(dir, true);
    const lenient = await outcome(dir, false);
    expect({ folder: row.folder, strict: strict === true, lenient: lenient === true }).toEqual({ folder: row.folder, strict: row.strict, lenient: row.lenient });
  });
});
