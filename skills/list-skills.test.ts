import { afterAll, expect, test } from "bun:test";
import { listSkills } from "./index.ts";
import { failureOf } from "./expect-failure.ts";
import { tempRoot } from "./temp-skill-dir.ts";

const tmp = tempRoot();
afterAll(() => tmp.cleanup());

test("one bad skill never hides the others", async () => {
  tmp.skill("alpha", { "SKILL.md": "---\nname: alpha\ndescription: first\n---\n" });
  tmp.skill("beta", { "skill.json": { name: "beta", version: "1.0.0", description: "d", implementation: "m.js", permissions: ["net_access"] }, "m.js": "" });
  tmp.skill("gamma", { "skill.json": { name: "gamma", version: "0.1.0", description: "d", implementation: "m.js" }, "m.js": "" });
  tmp.skill("delta", { "SKILL.md": "---\nname: alpha\ndescription: same name as the first\n---\n" });
  tmp.skill("empty", { "notes.txt": "x" });
  tmp.skill(".hidden", { "SKILL.md": "not a skill" });
  const { skills, errors } = await listSkills(tmp.root);
  expect(skills.map((s) => s.skill.name)).toEqual(["alpha", "gamma"]);
  // alpha sorts first and keeps the name; delta is reported as the duplicate.
  expect(errors.map((e) => [e.dir.split("/").pop(), e.error.code])).toEqual([
    ["beta", "invalid_manifest"],
    ["delta", "invalid_manifest"],
    ["empty", "not_found"],
  ]);
  expect(errors[0]!.error.message).toStartWith('skill.json: permissions[0]: "net_access" is not a permission');
  expect(errors[1]!.error.message).toContain("already used by");
  expect(skills[0]!.warnings.map((w) => w.field)).toEqual([]);
});

test("strict mode is passed to every skill", async () => {
  const t = tempRoot();
  t.skill("one", { "SKILL.md": "---\nname: one\ndescription: d\nhomepage: x\n---\n" });
  expect((await listSkills(t.root)).skills.length).toBe(1);
  expect((await listSkills(t.root, { strict: true })).errors[0]!.error.message).toStartWith("SKILL.md:4: homepage: not a standard field");
  t.cleanup();
});

test("a missing root is not_found", async () => {
  const e = await failureOf(listSkills(`${tmp.root}/none`));
  expect(e.code).toBe("not_found");
});
