// `moltbot memory` end to end: a real child process, a throwaway MOLTBOT_HOME.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MemoryStore } from "../../memory/index.ts";
import { Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());
const mem = join(sb.home, "memory");

describe("moltbot memory", () => {
  test("--help, and listed in moltbot --help", async () => {
    const r = await sb.run(["memory", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith("Usage: moltbot memory");
    expect((await sb.run(["--help"])).stdout).toContain("memory search");
  });

  test("show prints a profile written by the store; an unknown user is exit 2", async () => {
    const store = new MemoryStore(mem);
    await store.addFact("telegram:123", "Has a dog called Rex");
    await store.appendTranscript("telegram:123", { role: "user", text: "Rex needs a vet", user: "telegram:123" });
    store.close();
    const r = await sb.run(["memory", "show", "telegram:123"]);
    expect(r).toEqual({ code: 0, stdout: "# Profile: telegram:123\n\n## Facts\n- Has a dog called Rex\n", stderr: "" });
    const j = await sb.run(["memory", "show", "telegram:123", "--json"]);
    expect(JSON.parse(j.stdout)).toEqual({ ok: true, output: { user: "telegram:123", profile: "# Profile: telegram:123\n\n## Facts\n- Has a dog called Rex\n" } });
    const missing = await sb.run(["memory", "show", "../nobody"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toStartWith("error: memory show: no profile for '../nobody'\n");
  });

  test("search finds files, including ones written by hand; --user narrows it", async () => {
    mkdirSync(join(mem, "notes"), { recursive: true });
    writeFileSync(join(mem, "notes/vet.md"), "# Vet\n\nDr. Berg, Tuesdays\n");
    const r = await sb.run(["memory", "search", "vet", "--json"]);
    expect(r.code).toBe(0);
    const paths = JSON.parse(r.stdout).output.map((h: { path: string }) => h.path).sort();
    expect(paths).toEqual(["notes/vet.md", "sessions/telegram%3A123.md"]);
    const other = await sb.run(["memory", "search", "rex", "--user", "telegram:999", "--json"]);
    expect(JSON.parse(other.stdout)).toEqual({ ok: true, output: [] });
    const human = await sb.run(["memory", "search", "Berg", '"(']);
    expect(human.stdout).toBe("notes/vet.md  (Vet)\n  # Vet Dr. **Berg**, Tuesdays\n");
  });

  test("reindex rebuilds from the files after the index is deleted", async () => {
    rmSync(join(mem, ".index.db"), { force: true });
    const r = await sb.run(["memory", "reindex", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, output: { files: 3 } });
    expect((await sb.run(["memory", "reindex"])).stdout).toBe(`indexed 3 files in ${mem}\n`);
  });

  test("usage errors are one line with a hint, exit 2", async () => {
    for (const args of [["memory", "frob"], ["memory", "search"], ["memory", "search", "x", "--limit", "0"], ["memory", "show"], ["memory", "reindex", "--bogus"]]) {
      const r = await sb.run(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: memory[: ][^\n]+\nhint: [^\n]+\n$/);
    }
  });
});
