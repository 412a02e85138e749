// Installing a skill into the home, running it by name, verifying and removing it.
import { afterAll, describe, expect, test } from "bun:test";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());

describe("moltbot skill install", () => {
  const src = sb.skill("greeter", { parameters: { who: { type: "string", required: true } } }, { "main.js": "export default async ({ who }) => `hi ${who}`;" });
  const policy = sb.file("install-policy.yaml", "version: 1\ntrust: { default: allow }\n");

  test("install, then run by name, list and verify", async () => {
    const i = await sb.run(["skill", "install", src]);
    expect(i.code).toBe(0);
    expect(i.stdout).toStartWith("installed greeter 1.0.0");
    const r = await sb.run(["skill", "run", "greeter", "--params", '{"who":"bo"}', "--policy", policy, "--audit", join(sb.dir, "a.jsonl")]);
    expect(r.stdout).toBe("hi bo\n");
    const l = await sb.run(["skill", "list", "--json"]);
    const listed = JSON.parse(l.stdout).output.skills;
    expect(listed).toContainEqual(expect.objectContaining({ name: "greeter", version: "1.0.0", source: "installed" }));
    expect(listed).toContainEqual(expect.objectContaining({ name: "file_read", source: "builtin" }));
    const mine = await sb.run(["skill", "list", "--installed", "--json"]);
    expect(JSON.parse(mine.stdout).output.skills.map((s: { name: string }) => s.name)).toEqual(["greeter"]);
    const v = await sb.run(["skill", "verify"]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain("greeter                  ok");
  });

  test("a skill edited after install fails verify (exit 1)", async () => {
    appendFileSync(join(sb.home, "skills", "greeter", "main.js"), "\n// changed");
    const v = await sb.run(["skill", "verify", "--json"]);
    expect(v.code).toBe(1);
    expect(JSON.parse(v.stdout).output).toEqual([expect.objectContaining({ name: "greeter", state: "modified" })]);
  });

  test("remove, then the name is unknown (exit 2)", async () => {
    expect((await sb.run(["skill", "remove", "greeter"])).code).toBe(0);
    const r = await sb.run(["skill", "run", "greeter", "--policy", policy]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no skill folder or installed skill named 'greeter'");
  });
});
