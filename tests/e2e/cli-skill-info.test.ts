// `moltbot skill info`: a person reads what a skill may do and which parameters it takes; a bad
// parameter in `skill run` points there, and a mistyped option names the one meant.
import { afterAll, describe, expect, test } from "bun:test";
import { Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());

describe("moltbot skill info", () => {
  test("lists each parameter with its type, whether required, its default and description", async () => {
    const r = await sb.run(["skill", "info", "web_fetch"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("web_fetch 1.0.0 (executable)");
    expect(lines).toContain("permissions: net all");
    const params = lines.slice(lines.indexOf("parameters:") + 1).filter(Boolean);
    expect(params.map((l) => l.trim().split(/\s+/)[0])).toEqual(["url", "max_chars", "format"]);
    expect(params[0]).toMatch(/^ {2}url +string, required +The address to fetch/);
    expect(params[1]).toMatch(/^ {2}max_chars +integer 100–500000, default 50000 +Most characters/);
    expect(params[2]).toContain('one of "markdown"|"text"|"raw", default "markdown"');
    // The descriptions start in one column.
    const at = params.map((l) => l.search(/[A-Z]/));
    expect(new Set(at.slice(0, 2)).size).toBe(1);
  });

  test("scoped permissions and a skill without parameters read plainly", async () => {
    const dir = sb.skill("notes", { permissions: { read: ["~/notes"], env: ["NOTES_*"] } }, { "main.js": "export default () => 1;" });
    const r = await sb.run(["skill", "info", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("permissions: read ~/notes; env NOTES_*\nparameters:\n  (none)\n");
  });

  test("--json still gives the schema itself", async () => {
    const r = await sb.run(["skill", "info", "web_fetch", "--json"]);
    const out = JSON.parse(r.stdout).output;
    expect(out.parameters.required).toEqual(["url"]);
    expect(out.permissions).toEqual({ net: "all" });
  });

  test("a bad parameter in skill run names the command that lists them (exit 2)", async () => {
    const r = await sb.run(["skill", "run", "shell_execute", "--params", '{"command":["ls"]}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: params.command: must be string\nhint: `moltbot skill info shell_execute` lists its parameters\n");
  });

  test("a mistyped option is named with the option meant (exit 2)", async () => {
    const r = await sb.run(["skill", "run", "file_read", "--param", '{"path":"/x"}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: skill run: unknown option --param; did you mean --params?\nhint: see 'moltbot skill run --help'\n");
    const far = await sb.run(["skill", "list", "--colour"]);
    expect(far.code).toBe(2);
    expect(far.stderr).toStartWith("error: skill list: unknown option --colour\n");
  });
});
