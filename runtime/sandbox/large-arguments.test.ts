// Long strings as host-call arguments travel beside the JSON (no QuickJS JSON.stringify): what the
// host receives must be exactly what the skill passed — ASCII, non-ASCII, with NUL or lone
// surrogates (read again through JSON), nested in objects — and the wire's marker key stays
// reserved.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SandboxOutcome } from "../contracts/sandbox.ts";
import { SandboxPool } from "./index.ts";
import { jobOf } from "./skill-fixture.ts";

const pool = new SandboxPool({ maxWorkers: 1 });
const dir = realpathSync(mkdtempSync(join(tmpdir(), "moltbot-large-args-")));
let server: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => {
      const body = await req.text();
      return Response.json({ length: body.length, sha256: sha256(body) });
    },
  });
});
afterAll(async () => {
  server.stop(true);
  await pool.close();
});

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const grant = (allow: string) => `version: 1\nskills:\n  test_skill:\n    allow: ${allow}\n`;
const writer = { permissions: { write: [dir] }, policyYaml: grant(`{ write: ["${dir}"] }`), limits: { memoryBytes: 256 * 1024 * 1024 } };
const codeOf = (o: SandboxOutcome) => (o.result.ok ? "ok" : o.result.error.code);

/** A skill that writes `unit` repeated to make ~2 MB, through fs.writeTextFile. */
async function writeRepeated(name: string, unit: string): Promise<string> {
  const n = Math.ceil((2 * 1024 * 1024) / unit.length);
  const o = await pool.run(jobOf(`export default async (p) => { await fs.writeTextFile(p.path, p.unit.repeat(p.n)); return "written"; }`, {
    ...writer,
    params: { path: join(dir, name), unit, n },
  }));
  expect(o.result).toEqual({ ok: true, output: "written" });
  return unit.repeat(n);
}

describe("a 2 MB string argument arrives on the host intact", () => {
  test("ASCII", async () => {
    const sent = await writeRepeated("ascii.txt", "lorem ipsum dolor sit amet, \"quoted\" \\ back\n");
    expect(readFileSync(join(dir, "ascii.txt"), "utf8")).toBe(sent);
  });

  test("non-ASCII: Latin-1, BMP and astral characters", async () => {
    const sent = await writeRepeated("unicode.txt", "aé✓😀 Grüße, 日本語 — ");
    expect(readFileSync(join(dir, "unicode.txt"), "utf8")).toBe(sent);
  });

  test("with NUL (a C string would end there, so it is read again through JSON)", async () => {
    const sent = await writeRepeated("nul.txt", "before\u0000after é ");
    expect(readFileSync(join(dir, "nul.txt"), "utf8")).toBe(sent);
  });

  // Read as a C string, a NUL would cut it and each lone surrogate read as three characters:
  // together they could keep its length. The host reads such a string again through QuickJS's
  // JSON.stringify, the one taken before skill code ran, not the global the skill replaced.
  test("with a lone surrogate and then a NUL, JSON.stringify replaced by the skill", async () => {
    const o = await pool.run(jobOf(`export default async (p) => {
      JSON.stringify = () => '"replaced"';
      await fs.writeTextFile(p.path, "x".repeat(5000) + "\\ud800" + String.fromCharCode(0) + "y");
      return "written";
    }`, { ...writer, params: { path: join(dir, "lone.txt") } }));
    expect(o.result).toEqual({ ok: true, output: "written" });
    // The file is UTF-8, where the lone surrogate is written as one U+FFFD.
    expect(readFileSync(join(dir, "lone.txt"), "utf8")).toBe("x".repeat(5000) + "\ufffd\u0000y");
  });

  test("nested in an object, beside a byte array, as a request body", async () => {
    const hostPort = `127.0.0.1:${server.port}`;
    const o = await pool.run(jobOf(`export default async (p) => {
      const text = "ünï ".repeat(524288);
      const a = await (await fetch("http://" + p.hp + "/", { method: "POST", body: text })).json();
      const b = await (await fetch("http://" + p.hp + "/", { method: "POST", body: new Uint8Array([104, 105]) })).json();
      return [a, b];
    }`, { params: { hp: hostPort }, permissions: { net: [hostPort] }, policyYaml: grant(`{ net: ["${hostPort}"] }`), limits: { memoryBytes: 256 * 1024 * 1024 } }));
    const text = "ünï ".repeat(524288);
    expect(o.result).toEqual({ ok: true, output: [{ length: text.length, sha256: sha256(text) }, { length: 2, sha256: sha256("hi") }] });
  });
});

describe("the wire stays closed", () => {
  test("an argument may not use the marker key", async () => {
    const o = await pool.run(jobOf(`export default async (p) => {
      try { await fs.writeTextFile(p.path, { ["\\u0000b"]: 0 }) } catch (e) { return [e.name, e.message] }
    }`, { ...writer, params: { path: join(dir, "never.txt") } }));
    expect(o.result).toEqual({ ok: true, output: ["TypeError", "fs.writeTextFile: invalid key in arguments"] });
  });

  test("a lone string holding NUL reaches the host whole, not cut at the NUL", async () => {
    // Cut, it would be asked about as the variable MOLT_TEST_A; whole, it is no variable name.
    const o = await pool.run(jobOf(`export default () => { try { env.get("MOLT_TEST_A\\u0000B") } catch (e) { return e.message } }`));
    expect(o.result).toEqual({ ok: true, output: "env.get expects a variable name (letters, digits, underscores)" });
    expect(o.denials).toEqual([]);
  });
});

describe("html.toMarkdown through the bridge", () => {
  test("a 2 MB page in, its long Markdown back", async () => {
    const o = await pool.run(jobOf(`export default (p) => {
      const page = "<title>Grüße</title>" + "<p>Ünïcode <a href='/x'>link</a> &amp; more</p>".repeat(40000);
      const r = html.toMarkdown(page, { baseUrl: "https://example.com/a/" });
      const t = html.toMarkdown("<h1>H</h1><p><b>b</b></p>", { text: true });
      return { title: r.title, same: r.markdown === "Ünïcode [link](https://example.com/x) & more\\n\\n".repeat(40000).trim(), len: r.markdown.length, t };
    }`, { limits: { memoryBytes: 256 * 1024 * 1024 } }));
    expect(o.result).toEqual({ ok: true, output: { title: "Grüße", same: true, len: 1_839_998, t: { title: "", markdown: "H\n\nb" } } });
  });

  test("a page given as bytes is decoded on the way, as TextDecoder would", async () => {
    const o = await pool.run(jobOf(`export default () => {
      const latin = new Uint8Array([60, 112, 62, 67, 97, 102, 0xe9, 32, 0x80, 60, 47, 112, 62]); // <p>Café €</p> in windows-1252
      const utf8 = new Uint8Array([0xef, 0xbb, 0xbf, 60, 112, 62, 0xc3, 0xa9, 60, 47, 112, 62]); // BOM, <p>é</p>
      const out = {
        latin: html.toMarkdown(latin, { charset: "windows-1252" }).markdown,
        buffer: html.toMarkdown(utf8.buffer).markdown,
        view: html.toMarkdown(new DataView(latin.buffer, 3, 4), { charset: "latin1" }).markdown,
        lenient: html.toMarkdown(latin).markdown,
      };
      try { html.toMarkdown(latin, { fatal: true }); out.fatal = "decoded"; } catch (e) { out.fatal = e.name; }
      try { html.toMarkdown(latin, { charset: "no-such" }); out.unknown = "decoded"; } catch (e) { out.unknown = e.name; }
      return out;
    }`));
    expect(o.result).toEqual({ ok: true, output: {
      latin: "Café €", buffer: "é", view: "Café", lenient: "Caf\ufffd \ufffd", fatal: "TypeError", unknown: "RangeError",
    } });
  });

  test("bad arguments are TypeErrors; the global is frozen", async () => {
    const o = await pool.run(jobOf(`export default () => {
      const out = [];
      for (const args of [[1], ["x", 5], ["x", { baseUrl: 3 }], ["x", { text: "yes" }], ["x", { charset: 8 }], ["x", { fatal: 1 }]]) {
        try { html.toMarkdown(...args) } catch (e) { out.push(e.name + ": " + e.message) }
      }
      try { html.toMarkdown = () => "replaced" } catch {}
      return { out, frozen: Object.isFrozen(html), still: html.toMarkdown("<p>x</p>").markdown };
    }`));
    expect(o.result).toEqual({ ok: true, output: {
      out: [
        "TypeError: html.toMarkdown: the source must be a string or bytes",
        "TypeError: html.toMarkdown: options must be an object",
        "TypeError: html.toMarkdown: options.baseUrl must be a string",
        "TypeError: html.toMarkdown: options.text must be a boolean",
        "TypeError: html.toMarkdown: options.charset must be a string",
        "TypeError: html.toMarkdown: options.fatal must be a boolean",
      ],
      frozen: true,
      still: "x",
    } });
  });
});
