import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOOL_NAME } from "../runtime/contracts/tool.ts";
import { MemoryStore } from "./store.ts";
import { memoryTools } from "./tools.ts";

const root = mkdtempSync(join(tmpdir(), "moltbot-tools-"));
const store = new MemoryStore(root);
const [search, write] = memoryTools(store);
afterAll(() => { store.close(); rmSync(root, { recursive: true, force: true }); });

describe("memory tools", () => {
  test("are valid tools with object schemas a model can fill", () => {
    for (const t of [search!, write!]) {
      expect(t.name).toMatch(TOOL_NAME);
      expect(t.description.length).toBeGreaterThan(40);
      expect(t.parameters).toMatchObject({ type: "object", additionalProperties: false });
    }
    expect(search!.parameters.required).toEqual(["query"]);
    expect(write!.parameters.required).toEqual(["kind", "text"]);
  });

  test("memory_write files a fact in the caller's profile, a note in today's journal", async () => {
    const fact = await write!.execute({ kind: "fact", text: "Allergic to peanuts", section: "Health" }, { user: "telegram:9" });
    expect(fact).toEqual({ ok: true, output: { summary: "Remembered in telegram:9's profile under Health: Allergic to peanuts", kind: "fact", section: "Health" } });
    expect(await store.readProfile("telegram:9")).toContain("## Health\n- Allergic to peanuts\n");
    const note = await write!.execute({ kind: "daily", text: "Planned the trip to Bergen" }, {});
    expect(note).toMatchObject({ ok: true, output: { summary: "Added to today's notes: Planned the trip to Bergen" } });
  });

  test("memory_search returns a summary and results, limited to what the caller may see", async () => {
    await store.addFact("telegram:8", "Allergic to cats");
    const mine = await search!.execute({ query: "allergic" }, { user: "telegram:9" });
    expect(mine).toMatchObject({ ok: true, output: { summary: '1 result for "allergic": Profile: telegram:9' } });
    const r = (mine as { output: { results: { path: string; snippet: string; score: number }[] } }).output.results;
    expect(r[0]).toMatchObject({ path: "users/telegram%3A9.md", snippet: expect.stringContaining("**Allergic**") });
    expect(r[0]!.score).toBeGreaterThan(0);
    const none = await search!.execute({ query: "unicorn", limit: 3 }, {});
    expect(none).toEqual({ ok: true, output: { summary: 'nothing in memory matches "unicorn"', results: [] } });
  });

  test("bad parameters are invalid_params naming the field; a fact without a user is refused", async () => {
    const cases: [unknown, string][] = [
      [{ kind: "fact" }, "memory_write: text:"],
      [{ kind: "secret", text: "x" }, "memory_write: kind:"],
      [{ kind: "daily", text: "x", extra: 1 }, "memory_write: params:"],
      [{ kind: "fact", text: "   " }, "memory_write: text:"],
      [null, "memory_write: params:"],
    ];
    for (const [params, prefix] of cases) {
      const res = await write!.execute(params, { user: "u" });
      expect(res.ok).toBe(false);
      if (!res.ok) { expect(res.error.code).toBe("invalid_params"); expect(res.error.message).toStartWith(prefix); }
    }
    for (const params of [{}, { query: "" }, { query: "x", limit: 0 }, { query: "x", limit: 2.5 }, { query: 5 }]) {
      expect(await search!.execute(params, {})).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    }
    expect(await write!.execute({ kind: "fact", text: "x" }, {})).toMatchObject({ ok: false, error: { code: "invalid_input" } });
  });
});
