// Search and write quality through the real `moltbot` CLI in a throwaway MOLTBOT_HOME: prefixes
// longer than a word's stem, Chinese and Japanese words inside a run, Greek and German
// spellings, the fact/daily length limits and blank parameters (invalid_params, exit 2), and the
// section memory_write reports being the one it wrote.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());
const env = { USER: "tester" };
const run = (args: string[]) => sb.run(args, env);
const notes = join(sb.home, "memory/notes");
mkdirSync(notes, { recursive: true });
writeFileSync(join(notes, "run.md"), "# Run\n\nI went running yesterday. Happiness matters.\n");
writeFileSync(join(notes, "dentist.md"), "# Dentist\n\nDentist appointments, organizational stuff.\n");
writeFileSync(join(notes, "cjk.md"), "# CJK\n\n日本語のテキスト\n東京に住んでいます。我喜欢喝咖啡。\n");
writeFileSync(join(notes, "folds.md"), "# Folds\n\nλέξεις, Straße, Fußball\n");

async function found(query: string): Promise<string[]> {
  const r = await run(["memory", "search", query, "--json"]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout).output as { path: string }[]).map((h) => h.path);
}

describe("moltbot memory search finds", () => {
  test("words by a prefix longer than their stem", async () => {
    for (const q of ["runn*", "happin*"]) expect([q, await found(q)]).toEqual([q, ["notes/run.md"]]);
    for (const q of ["appointm*", "organizationa*"]) expect([q, await found(q)]).toEqual([q, ["notes/dentist.md"]]);
  });

  test("Chinese and Japanese words inside a run of text", async () => {
    for (const q of ["日本語", "テキスト", "東京", "咖啡"]) expect([q, await found(q)]).toEqual([q, ["notes/cjk.md"]]);
  });

  test("Greek and German words by their plain spelling", async () => {
    for (const q of ["λεξεις", "strasse", "fussball"]) expect([q, await found(q)]).toEqual([q, ["notes/folds.md"]]);
  });

  test("the same through the memory_search skill", async () => {
    const r = await run(["skill", "run", "memory_search", "--params", '{"query":"runn*"}', "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).output.results).toMatchObject([{ path: "notes/run.md", snippet: expect.stringContaining("**running**") }]);
  });
});

describe("moltbot skill run memory_write", () => {
  const write = (params: object) => run(["skill", "run", "memory_write", "--params", JSON.stringify(params), "--yes", "--json"]);
  const profile = () => readFileSync(join(sb.home, "memory/users/cli%3Atester.md"), "utf8");

  test("a fact over 1000 characters, or blank text, is invalid_params (exit 2); a long daily note is fine", async () => {
    const long = await write({ kind: "fact", text: "x".repeat(1500) });
    expect(long.code).toBe(2);
    expect(JSON.parse(long.stdout).error).toMatchObject({ code: "invalid_params", message: "params.text: must NOT have more than 1000 characters" });
    for (const params of [{ kind: "fact", text: "   " }, { kind: "daily", text: "\n" }]) {
      const blank = await write(params);
      expect(blank.code).toBe(2);
      expect(JSON.parse(blank.stdout).error.code).toBe("invalid_params");
    }
    const query = await run(["skill", "run", "memory_search", "--params", '{"query":"  "}', "--json"]);
    expect(query.code).toBe(2);
    expect(JSON.parse(query.stdout).error.code).toBe("invalid_params");
    expect((await write({ kind: "daily", text: "y".repeat(1500) })).code).toBe(0);
  });

  test("the section reported is the one written", async () => {
    const injected = await write({ kind: "fact", text: "likes tea", section: "## Prefs\n- injected" });
    expect(injected.code).toBe(0);
    expect(JSON.parse(injected.stdout).output).toEqual({ summary: "Remembered in cli:tester's profile under Prefs - injected: likes tea", kind: "fact", section: "Prefs - injected" });
    expect((await write({ kind: "fact", text: "Short answers", section: "Preferences" })).code).toBe(0);
    const lower = await write({ kind: "fact", text: "Mornings", section: "preferences" });
    expect(JSON.parse(lower.stdout).output).toMatchObject({ section: "Preferences", summary: "Remembered in cli:tester's profile under Preferences: Mornings" });
    expect(profile()).toBe("# Profile: cli:tester\n\n## Prefs - injected\n- likes tea\n\n## Preferences\n- Short answers\n- Mornings\n");
  });
});
