// The built-in file skills end to end: the real `moltbot skill run`, the shipped default
// policy, a real temporary home with symlinks, and the audit log.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_POLICY_YAML } from "../../policy/index.ts";
import { ROOT, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
const home = sb.userHome;
const outside = join(sb.dir, "outside");
let policy: string;
let strict: string;
const audit = join(sb.dir, "audit.jsonl");
const skill = (name: string) => join(ROOT, "skills/builtin", name);
const run = async (name: string, params: unknown, ...flags: string[]) => {
  const r = await sb.run(["skill", "run", skill(name), "--params", JSON.stringify(params), "--policy", flags.includes("--strict-policy") ? strict : policy, "--audit", audit, "--json", ...flags.filter((f) => f !== "--strict-policy")]);
  return { ...r, out: JSON.parse(r.stdout) };
};
const lastAudit = () => JSON.parse(readFileSync(audit, "utf8").trim().split("\n").at(-1)!);

beforeAll(() => {
  policy = sb.file("policy.yaml", DEFAULT_POLICY_YAML);
  strict = sb.file("strict.yaml", DEFAULT_POLICY_YAML.replace("prompt: true", "prompt: false"));
  mkdirSync(join(home, "notes/sub"), { recursive: true });
  mkdirSync(join(home, ".ssh"), { recursive: true });
  mkdirSync(join(home, "zz-wide"), { recursive: true });
  mkdirSync(join(home, ".moltbot"), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(home, "notes/todo.md"), "# Todo\n- buy milk\n- call Bob about the TODO list\n");
  writeFileSync(join(home, "notes/sub/plan.txt"), "step one\nstep two: todo\n");
  writeFileSync(join(home, "notes/.hidden"), "todo hidden\n");
  writeFileSync(join(home, "notes/latin1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
  writeFileSync(join(home, "notes/pixel.png"), Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
  writeFileSync(join(home, "big.txt"), "0123456789".repeat(10_000));
  writeFileSync(join(home, "notes/wide.txt"), "é".repeat(20));
  writeFileSync(join(home, "zz-wide/euro.txt"), "€".repeat(3000)); // 3-byte characters
  writeFileSync(join(home, "zz-wide/emoji.txt"), "a🙂".repeat(2000)); // 1- and 4-byte characters
  writeFileSync(join(home, ".ssh/id_ed25519"), "PRIVATE KEY");
  writeFileSync(join(home, ".moltbot/policy.yaml"), "version: 1\n");
  writeFileSync(join(outside, "secret.txt"), "todo outside the home\n");
  symlinkSync(join(outside, "secret.txt"), join(home, "notes/link-out.txt"));
  symlinkSync(outside, join(home, "notes/dir-out"));
  symlinkSync(join(home, ".ssh/id_ed25519"), join(home, "notes/key-link"));
  symlinkSync(join(home, "notes/todo.md"), join(home, "todo-link.md"));
});
afterAll(() => sb.cleanup());

describe("file_read", () => {
  test("reads a file in the home without a question; audited as allowed", async () => {
    const r = await run("file_read", { path: "~/notes/todo.md" });
    expect(r.code).toBe(0);
    expect(r.out.output).toMatchObject({ content: "# Todo\n- buy milk\n- call Bob about the TODO list\n", lines: 3, encoding: "utf-8" });
    expect(r.out.output.summary).toBe("Read ~/notes/todo.md: 3 lines, 49 B");
    expect(lastAudit()).toMatchObject({ tool: "file_read", result: "success", decision: "allow", user_approved: null });
  });

  test("cuts long text and says how much; reads a line range", async () => {
    const big = await run("file_read", { path: "~/big.txt", max_chars: 1000 });
    expect(big.out.output.content).toHaveLength(1000);
    expect(big.out.output.truncated).toEqual({ shown: 1000, total: 100_000, unit: "bytes" });
    expect(big.out.output.summary).toContain("99000 bytes cut");
    const wide = await run("file_read", { path: "~/notes/wide.txt", max_chars: 5 });
    expect(wide.out.output.content).toBe("ééééé");
    expect(wide.out.output.truncated).toEqual({ shown: 10, total: 40, unit: "bytes" });
    const whole = await run("file_read", { path: "~/notes/wide.txt", max_chars: 20 });
    expect(whole.out.output).toMatchObject({ content: "é".repeat(20), lines: 1 });
    expect(whole.out.output.truncated).toBeUndefined();
    const part = await run("file_read", { path: "~/notes/todo.md", start_line: 2, max_lines: 1 });
    expect(part.out.output.content).toBe("- buy milk\n");
    expect(part.out.output.range).toEqual({ start_line: 2, end_line: 2 });
  });

  test("the start of a big multi-byte file is whole characters in UTF-8, however the read is cut", async () => {
    for (const max of [1000, 1001, 1002]) {
      const euro = await run("file_read", { path: "~/zz-wide/euro.txt", max_chars: max });
      expect(euro.out.output).toMatchObject({ content: "€".repeat(max), encoding: "utf-8", truncated: { shown: max * 3, total: 9000, unit: "bytes" } });
    }
    const emoji = await run("file_read", { path: "~/zz-wide/emoji.txt", max_chars: 999 });
    expect(emoji.out.output.content).toBe("a🙂".repeat(333));
    expect(emoji.out.output).toMatchObject({ encoding: "utf-8", truncated: { shown: 333 * 5, total: 10_000, unit: "bytes" } });
  });

  test("a legacy-encoded file is decoded; a binary file comes back as an attachment", async () => {
    const latin = await run("file_read", { path: "~/notes/latin1.txt" });
    expect(latin.out.output).toMatchObject({ content: "café\n", encoding: "windows-1252" });
    const png = await run("file_read", { path: "~/notes/pixel.png" });
    expect(png.out.output.attachments).toEqual([
      { kind: "image", mime: "image/png", name: "pixel.png", base64: readFileSync(join(home, "notes/pixel.png")).toString("base64") },
    ]);
  });

  test("a link inside the home is read through; one pointing outside is denied", async () => {
    expect((await run("file_read", { path: "~/todo-link.md" })).out.output.content).toStartWith("# Todo");
    const out = await run("file_read", { path: "~/notes/link-out.txt" }, "--strict-policy");
    expect(out.code).toBe(3);
    expect(out.out.error.code).toBe("permission_denied");
    // The skill is told about the path it gave; where the link points is for the audit only.
    expect(out.out.error.message).toContain('"~/notes/link-out.txt"');
    expect(out.out.error.message).not.toContain(outside);
    expect(lastAudit()).toMatchObject({ result: "denied", denials: [{ kind: "read", value: join(outside, "secret.txt") }] });
  });

  test("~/.ssh stays closed, directly or through a link, even with --yes", async () => {
    for (const path of ["~/.ssh/id_ed25519", "~/notes/key-link"]) {
      const r = await run("file_read", { path }, "--yes");
      expect(r.code).toBe(3);
      expect(r.out.error.message).toContain("deny.read[0]");
      expect(r.stdout).not.toContain("PRIVATE KEY");
    }
  });

  test("a missing file is a one-line error naming it", async () => {
    const r = await run("file_read", { path: "~/nope.txt" });
    expect(r.code).toBe(2);
    expect(r.out.error.code).toBe("not_found");
    expect(r.out.error.message).toBe(`${join(home, "nope.txt")}: no such file or directory`);
  });
});

describe("file_write", () => {
  test("asks for confirmation: refused without a terminal, written with --yes and audited as approved", async () => {
    const params = { path: "~/written/idea.md", content: "héllo\n", create_dirs: true };
    const no = await run("file_write", params);
    expect(no.code).toBe(4);
    expect(existsSync(join(home, "written/idea.md"))).toBe(false);
    const yes = await run("file_write", params, "--yes");
    expect(yes.code).toBe(0);
    expect(yes.out.output).toMatchObject({ created: true, bytes: 7, summary: "Created ~/written/idea.md (7 bytes written)" });
    expect(readFileSync(join(home, "written/idea.md"), "utf8")).toBe("héllo\n");
    expect(lastAudit()).toMatchObject({ tool: "file_write", result: "success", decision: "confirm", user_approved: true });
    const again = await run("file_write", { ...params, content: "more\n", mode: "append" }, "--yes");
    expect(again.out.output.summary).toBe("Appended to ~/written/idea.md (5 bytes added)");
    expect(readFileSync(join(home, "written/idea.md"), "utf8")).toBe("héllo\nmore\n");
    const create = await run("file_write", { ...params, mode: "create" }, "--yes");
    expect(create.code).toBe(1);
    expect(create.out.error.message).toContain("already exists");
  });

  test("writes binary data from base64", async () => {
    const r = await run("file_write", { path: "~/written/b.bin", content: "AAEC/w==", encoding: "base64" }, "--yes");
    expect(r.code).toBe(0);
    expect([...readFileSync(join(home, "written/b.bin"))]).toEqual([0, 1, 2, 255]);
  });

  test("can never rewrite Moltbot's own policy or ~/.ssh, even with --yes", async () => {
    for (const path of ["~/.moltbot/policy.yaml", "~/.ssh/authorized_keys"]) {
      const r = await run("file_write", { path, content: "version: 1\ntrust: { default: allow }\n" }, "--yes");
      expect(r.code).toBe(3);
      expect(r.out.error.code).toBe("permission_denied");
    }
    expect(readFileSync(join(home, ".moltbot/policy.yaml"), "utf8")).toBe("version: 1\n");
    expect(existsSync(join(home, ".ssh/authorized_keys"))).toBe(false);
  });
});

describe("file_list and file_search", () => {
  test("file_list shows files with sizes, links without following them, hides dot files", async () => {
    const r = await run("file_list", { path: "~/notes" });
    expect(r.code).toBe(0);
    const byPath = Object.fromEntries(r.out.output.entries.map((e: { path: string }) => [e.path, e]));
    expect(Object.keys(byPath)).toEqual(["dir-out", "key-link", "latin1.txt", "link-out.txt", "pixel.png", "sub", "todo.md", "wide.txt"]);
    expect(byPath["todo.md"]).toMatchObject({ type: "file", size: 49 });
    expect(byPath["dir-out"]).toEqual({ path: "dir-out", type: "symlink" });
    expect(r.out.output.summary).toBe("~/notes: 1 folder, 4 files, 3 links");
  });

  test("file_list recursive with a cap says how many entries were cut", async () => {
    const r = await run("file_list", { path: "~/notes", recursive: true, max_entries: 2, include_hidden: true });
    expect(r.out.output.entries).toHaveLength(2);
    expect(r.out.output.truncated).toMatchObject({ shown: 2, total: 10, unit: "items" });
    expect(r.out.output.summary).toContain("showing 2 of 10 entries, 8 cut");
  });

  test("file_search finds lines by text and files by name; links to outside are not followed", async () => {
    const r = await run("file_search", { path: "~/notes", query: "todo" });
    expect(r.code).toBe(0);
    expect(r.out.output.matches).toEqual([
      { path: "todo.md", line: 1, text: "# Todo" },
      { path: "todo.md", line: 3, text: "- call Bob about the TODO list" },
      { path: "sub/plan.txt", line: 2, text: "step two: todo" },
    ]);
    expect(r.out.output.summary).toBe('Found 3 lines matching "todo" in 2 files under ~/notes');
    expect(r.stdout).not.toContain("outside the home");
    const named = await run("file_search", { path: "~", name: "*.{md,txt}", max_results: 2 });
    // Breadth first, sorted; the link ~/todo-link.md is skipped, not followed.
    expect(named.out.output.files).toEqual([{ path: "big.txt" }, { path: "notes/latin1.txt" }]);
    expect(named.out.output.truncated).toMatchObject({ shown: 2, unit: "items" });
  });

  test("file_search with a regular expression, case-sensitive", async () => {
    const r = await run("file_search", { path: "~/notes", query: "^step \\w+$", regex: true, case_sensitive: true });
    expect(r.out.output.matches).toEqual([{ path: "sub/plan.txt", line: 1, text: "step one" }]);
  });
});
