// file_search and file_read end to end, for what they once got wrong: files skipped without a
// word, searches that ran out the call's time, legacy and UTF-16 text, emoji cut in half, line
// ranges past the end, and reads that hung on a named pipe. The real `moltbot skill run`, the
// shipped default policy, a real temporary home.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { DEFAULT_POLICY_YAML } from "../../policy/index.ts";
import { ROOT, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
const home = sb.userHome;
let policy: string;
let socket: Server;
const skill = (name: string) => join(ROOT, "skills/builtin", name);
const run = async (name: string, params: unknown, policyFile = policy) => {
  const r = await sb.run(["skill", "run", skill(name), "--params", JSON.stringify(params), "--policy", policyFile, "--json"]);
  return { ...r, out: JSON.parse(r.stdout) };
};
const put = (rel: string, data: string | Uint8Array) => {
  mkdirSync(join(home, rel, ".."), { recursive: true });
  writeFileSync(join(home, rel), data);
};
const utf16 = (text: string, bigEndian: boolean) => {
  const le = Buffer.from("\ufeff" + text, "utf16le");
  return bigEndian ? le.swap16() : le;
};

beforeAll(async () => {
  policy = sb.file("policy.yaml", DEFAULT_POLICY_YAML);
  put("logs/app.log", "x".repeat(4 * 1024 * 1024 - 15) + "ERROR found me\n");
  put("logs/small.log", "all quiet\n");
  put("redos/a.txt", "a".repeat(40) + "b\n");
  const dense = "x".repeat(79) + "\n";
  for (let i = 0; i < 23; i++) put(`dense/f${String(i).padStart(2, "0")}.txt`, dense.repeat(900 * 1024 / 80));
  // Each file costs the regex below 0.2–0.5 s (it backtracks over every x, in time quadratic
  // in the line), so 300 of them outlast the search's 10 s budget many times over.
  for (let i = 0; i < 300; i++) put(`slow/f${String(i).padStart(3, "0")}.txt`, (i < 2 ? "xz\n" : "") + "x".repeat(4000) + "\n");
  put("s2/l2.txt", Buffer.from("caf\xe9 na\xefve\n", "latin1"));
  put("s2/u16.txt", utf16("un café à emporter\n", false));
  put("emoji.txt", "😀".repeat(10));
  put("three.txt", "one\ntwo\nthree\n");
  put("enc/le.txt", utf16("héllo wörld 😀\nline two\n", false));
  put("enc/be.txt", utf16("héllo wörld 😀\nline two\n", true));
  put("enc/bom8.txt", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("naïve\n")]));
  const fifo = join(home, "pipe");
  expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
  socket = createServer();
  await new Promise<void>((ok) => socket.listen(join(home, "sock"), ok));
});
afterAll(() => {
  socket.close();
  sb.cleanup();
});

describe("file_search", () => {
  test("names the files it skips for size and says how to include them", async () => {
    const r = await run("file_search", { path: "~/logs", query: "ERROR" });
    expect(r.code).toBe(0);
    expect(r.out.output.summary).toBe('Found 0 lines matching "ERROR" in 0 files under ~/logs; 1 file over 1 MB not searched (raise max_file_bytes to include it)');
    expect(r.out.output.skipped).toEqual({ count: 1, items: [{ path: "app.log", reason: "too_large", size: 4 * 1024 * 1024 }] });
    const raised = await run("file_search", { path: "~/logs", query: "ERROR", max_file_bytes: 8_000_000 });
    expect(raised.out.output.matches).toEqual([{ path: "app.log", line: 1, text: "…" + "x".repeat(186) + "ERROR found me" }]);
    expect(raised.out.output.skipped).toBeUndefined();
  });

  test("refuses a regex that repeats a repeated group, at once, instead of running out the call's time", async () => {
    const r = await run("file_search", { path: "~/redos", query: "(a+)+$", regex: true });
    expect(r.out.ok).toBe(false);
    expect(r.out.error.message).toContain("query (a+)+ repeats a group that itself repeats");
  }, 40_000);

  test("a dense query takes one match per line and stops at max_results", async () => {
    const r = await run("file_search", { path: "~/dense", query: "x", max_results: 5 });
    expect(r.code).toBe(0);
    expect(r.out.output.matches.map((m: { line: number }) => m.line)).toEqual([1, 2, 3, 4, 5]);
    expect(r.out.output).toMatchObject({ incomplete: true, stopped: "max_results" });
    expect(r.out.output.summary).toBe('Found more than 5 lines matching "x" in 1 file under ~/dense; stopped at max_results (5), so the rest was not searched — narrow the search or raise max_results');
  }, 40_000);

  test("a slow search stops at its share of the call's time and returns what it found", async () => {
    // The call may take 8 s (the policy's limit): the search stops at 60% of that, 4.8 s.
    const short = sb.file("short.yaml", DEFAULT_POLICY_YAML.replace("limits: { timeout: 30s }", "limits: { timeout: 8s }"));
    const r = await run("file_search", { path: "~/slow", query: "(x|y)*z", regex: true }, short);
    expect(r.code).toBe(0);
    expect(r.out.output).toMatchObject({ incomplete: true, stopped: "time" });
    expect(r.out.output.matches).toEqual([{ path: "f000.txt", line: 1, text: "xz" }, { path: "f001.txt", line: 1, text: "xz" }]);
    expect(r.out.output.summary).toMatch(/stopped after 4\.[78] s, file_search's share of the call's time, having searched \d+ files/);
  }, 40_000);

  test("finds accented text in a windows-1252 or UTF-16 file, decoded as file_read decodes it", async () => {
    const r = await run("file_search", { path: "~/s2", query: "café" });
    expect(r.out.output.matches).toEqual([
      { path: "l2.txt", line: 1, text: "café naïve" },
      { path: "u16.txt", line: 1, text: "un café à emporter" },
    ]);
    const read = await run("file_read", { path: "~/s2/l2.txt" });
    expect(read.out.output).toMatchObject({ content: "café naïve\n", encoding: "windows-1252" });
  });

  test("file_search and file_read carry byte-identical copies of decode.js", () => {
    // A skill may import only its own folder; after changing one copy, copy it over the other.
    expect(readFileSync(join(skill("file_search"), "decode.js"), "utf8")).toBe(readFileSync(join(skill("file_read"), "decode.js"), "utf8"));
  });
});

describe("file_read", () => {
  test("max_chars never cuts an emoji in half", async () => {
    const r = await run("file_read", { path: "~/emoji.txt", max_chars: 3 });
    expect(r.out.output).toMatchObject({ content: "😀", truncated: { shown: 4, total: 40, unit: "bytes" } });
    const ranged = await run("file_read", { path: "~/emoji.txt", start_line: 1, max_lines: 1, max_chars: 3 });
    expect(ranged.out.output).toMatchObject({ content: "😀", truncated: { shown: 2, total: 20, unit: "chars" } });
  });

  test("a start_line past the end says how many lines the file has", async () => {
    const r = await run("file_read", { path: "~/three.txt", start_line: 10 });
    expect(r.code).toBe(0);
    expect(r.out.output).toEqual({
      summary: "Read ~/three.txt: 3 lines, 14 B; nothing shown: start_line 10 is past the end (the file has only 3 lines)",
      path: "~/three.txt", size: 14, lines: 3, encoding: "utf-8", content: "",
    });
  });

  test("a byte-order mark decides the encoding: UTF-16LE, UTF-16BE, UTF-8", async () => {
    for (const [file, encoding] of [["le", "utf-16le"], ["be", "utf-16be"]]) {
      const r = await run("file_read", { path: `~/enc/${file}.txt` });
      expect(r.out.output).toMatchObject({ content: "héllo wörld 😀\nline two\n", encoding, lines: 2 });
      expect(r.out.output.attachments).toBeUndefined();
      const cut = await run("file_read", { path: `~/enc/${file}.txt`, max_chars: 13 });
      expect(cut.out.output).toMatchObject({ content: "héllo wörld ", encoding, truncated: { shown: 26, total: 50, unit: "bytes" } });
    }
    const bom8 = await run("file_read", { path: "~/enc/bom8.txt" });
    expect(bom8.out.output).toMatchObject({ content: "naïve\n", encoding: "utf-8" });
  });

  test("a named pipe or socket is refused at once; /proc files still read", async () => {
    const fifo = await run("file_read", { path: "~/pipe" });
    expect(fifo.code).toBe(2);
    expect(fifo.out.error).toMatchObject({ code: "invalid_params", message: `${join(home, "pipe")}: is a named pipe (FIFO), not a regular file; only regular files are read` });
    const sock = await run("file_read", { path: "~/sock" });
    expect(sock.out.error.message).toBe(`${join(home, "sock")}: is a socket, not a regular file; only regular files are read`);
    const procPolicy = sb.file("proc.yaml", DEFAULT_POLICY_YAML.replace('file_read: { allow: { read: ["~"] } }', 'file_read: { allow: { read: ["~", "/proc"] } }'));
    const proc = await run("file_read", { path: "/proc/self/status" }, procPolicy);
    expect(proc.code).toBe(0);
    expect(proc.out.output.content).toStartWith("Name:");
  }, 20_000);
});
