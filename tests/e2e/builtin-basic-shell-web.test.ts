// shell_execute and web_fetch end to end: the real `moltbot skill run`, real processes (git in
// a temporary repository), and local HTTP servers for pages, charsets, redirects and caps.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_POLICY_YAML } from "../../policy/index.ts";
import { ROOT, Sandbox } from "../helpers/cli.ts";
import { MENU_PAGE, menuMarkdown } from "../helpers/menu-page.ts";

const sb = new Sandbox();
const audit = join(sb.dir, "audit.jsonl");
let policy: string;
let withSh: string;
let server: ReturnType<typeof Bun.serve>;
let base: string;

const latin1 = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0) & 0xff));

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      const html = (body: string | Uint8Array, type = "text/html; charset=utf-8") => new Response(body, { headers: { "content-type": type } });
      switch (path) {
        case "/food/menu.html": return html(MENU_PAGE);
        case "/latin1": return html(latin1("<p>Cr\xe8me br\xfbl\xe9e \x80 5</p>"), "text/html; charset=windows-1252");
        case "/meta": return html(latin1('<html><head><meta charset="iso-8859-1"></head><body><p>Smørrebrød</p></body></html>'), "text/html");
        case "/undeclared-latin": return html(latin1("<p>Gr\xfc\xdfe</p>"), "text/html");
        case "/undeclared-utf8": return html("<p>Grüße</p>", "text/html");
        case "/bogus-charset": return html("<p>Grüße</p>", "text/html; charset=x-no-such-thing");
        case "/meta-late": return html(latin1('<html><head><title>Caf\xe9 \xa9</title><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head><body><p>\xc5rhus</p></body></html>'), "text/html");
        case "/sjis": return html(new Uint8Array([0x93, 0xfa, 0x96, 0x7b]), "text/plain; charset=shift_jis");
        case "/old": return Response.redirect("/food/menu.html", 301);
        case "/big": return html(`<p>${"word ".repeat(40_000)}</p>`);
        case "/data.json": return Response.json({ name: "moltbot", tags: ["a", "b"] });
        case "/logo.png": return new Response(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]), { headers: { "content-type": "image/png" } });
        default: return new Response("not here", { status: 404, headers: { "content-type": "text/plain" } });
      }
    },
  });
  base = `http://127.0.0.1:${server.port}`;
  // The shipped policy plus a literal grant of the local server (loopback needs one).
  const grant = DEFAULT_POLICY_YAML.replace("  web_fetch:\n", `  web_fetch:\n    allow: { net: ["127.0.0.1:${server.port}"] }\n`);
  policy = sb.file("policy.yaml", grant);
  withSh = sb.file("sh.yaml", grant.replace("run: [git, ls,", "run: [sh, git, ls,"));
  mkdirSync(join(sb.userHome, "code/app"), { recursive: true });
  writeFileSync(join(sb.userHome, "code/app/README.md"), "hello\n");
});
afterAll(() => {
  server.stop(true);
  sb.cleanup();
});

const run = async (name: string, params: unknown, flags: string[] = [], policyFile = policy) => {
  const r = await sb.run(["skill", "run", join(ROOT, "skills/builtin", name), "--params", JSON.stringify(params), "--policy", policyFile, "--audit", audit, "--json", ...flags]);
  return { ...r, out: JSON.parse(r.stdout) };
};
const lastAudit = () => JSON.parse(readFileSync(audit, "utf8").trim().split("\n").at(-1)!);

describe("shell_execute", () => {
  test("'run git status in ~/code/app': confirmation asked, then run and audited as approved", async () => {
    await Bun.spawn(["git", "init", "-q", join(sb.userHome, "code/app")]).exited;
    const params = { command: "git", args: ["status", "--short"], cwd: "~/code/app" };
    const no = await run("shell_execute", params);
    expect(no.code).toBe(4);
    expect(lastAudit()).toMatchObject({ tool: "shell_execute", result: "rejected", user_approved: false });
    const yes = await run("shell_execute", params, ["--yes"]);
    expect(yes.code).toBe(0);
    expect(yes.out.output).toMatchObject({ exit_code: 0, stdout: "?? README.md\n", command: "git status --short", cwd: "~/code/app" });
    expect(yes.out.output.summary).toBe("`git status --short` in ~/code/app exited with code 0 (1 line of output)");
    expect(lastAudit()).toMatchObject({ tool: "shell_execute", result: "success", decision: "confirm", user_approved: true, parameters: params });
  });

  test("arguments are passed as they are, never through a shell; non-zero exits are results", async () => {
    const r = await run("shell_execute", { command: "echo", args: ["$HOME", "a;b", "`id`"] }, ["--yes"]);
    expect(r.out.output.stdout).toBe("$HOME a;b `id`\n");
    const bad = await run("shell_execute", { command: "git", args: ["no-such-command"] }, ["--yes"]);
    expect(bad.code).toBe(0);
    expect(bad.out.output.exit_code).not.toBe(0);
    expect(bad.out.output.summary).toContain("exited with code");
  });

  test("a shell string needs run: [sh]: denied when only asked for, runs when granted", async () => {
    const strict = sb.file("strict.yaml", readFileSync(policy, "utf8").replace("prompt: true", "prompt: false"));
    const denied = await run("shell_execute", { script: "echo hi | tr a-z A-Z" }, ["--yes"], strict);
    expect(denied.code).toBe(3);
    expect(denied.out.error.message).toContain('run access to "sh"');
    const ok = await run("shell_execute", { script: "echo hi | tr a-z A-Z" }, ["--yes"], withSh);
    expect(ok.code).toBe(0);
    expect(ok.out.output.stdout).toBe("HI\n");
  });

  test("long output keeps its start and end and says how much was cut", async () => {
    const r = await run("shell_execute", { script: "i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done", max_output_chars: 200 }, ["--yes"], withSh);
    const o = r.out.output;
    expect(o.stdout).toStartWith("line0\nline1\n");
    expect(o.stdout).toEndWith("line2999\n");
    expect(o.truncated.shown).toBe(200);
    expect(o.summary).toContain(`${o.truncated.total - 200} characters of output cut`);
  });
});

describe("web_fetch", () => {
  test("HTML becomes readable Markdown: headings, links made absolute, lists, code, tables; no script, nav or footer", async () => {
    const r = await run("web_fetch", { url: `${base}/food/menu.html` });
    expect(r.code).toBe(0);
    const o = r.out.output;
    expect(o).toMatchObject({ status: 200, content_type: "text/html", charset: "utf-8", title: "Café & Co", untrusted: true });
    expect(o.content).toBe(menuMarkdown(base));
    expect(o.summary).toStartWith(`Fetched ${base}/food/menu.html (text/html, `);
    expect(lastAudit()).toMatchObject({ tool: "web_fetch", result: "success", user_approved: null });
  });

  test("format text drops the Markdown syntax", async () => {
    const r = await run("web_fetch", { url: `${base}/food/menu.html`, format: "text" });
    expect(r.out.output.content).toStartWith("Menu of the day\n\nOur wine list and espresso().\nOpen daily.");
  });

  test("charsets: from Content-Type, from <meta charset>, and beyond Latin", async () => {
    expect((await run("web_fetch", { url: `${base}/latin1` })).out.output).toMatchObject({ content: "Crème brûlée € 5", charset: "windows-1252" });
    // <meta charset="iso-8859-1">: on the web that label names windows-1252, and so does the result.
    expect((await run("web_fetch", { url: `${base}/meta` })).out.output).toMatchObject({ content: "Smørrebrød", charset: "windows-1252" });
    // Nothing declared: UTF-8 when the bytes are UTF-8, else windows-1252, as browsers read it.
    expect((await run("web_fetch", { url: `${base}/undeclared-utf8` })).out.output).toMatchObject({ content: "Grüße", charset: "utf-8" });
    expect((await run("web_fetch", { url: `${base}/undeclared-latin` })).out.output).toMatchObject({ content: "Grüße", charset: "windows-1252" });
    expect((await run("web_fetch", { url: `${base}/bogus-charset` })).out.output).toMatchObject({
      content: "Grüße", charset: "utf-8", note: 'unknown charset "x-no-such-thing", decoded as UTF-8',
    });
    // Found past non-ASCII bytes, in the http-equiv form.
    expect((await run("web_fetch", { url: `${base}/meta-late` })).out.output).toMatchObject({ title: "Café ©", content: "Århus", charset: "windows-1252" });
    expect((await run("web_fetch", { url: `${base}/sjis` })).out.output).toMatchObject({ content: "日本", charset: "shift_jis" });
  }, 30_000); // eight CLI runs

  test("redirects are followed (by the host, re-checked) and the final URL reported", async () => {
    const r = await run("web_fetch", { url: `${base}/old` });
    expect(r.out.output.url).toBe(`${base}/food/menu.html`);
    expect(r.out.output.title).toBe("Café & Co");
  });

  test("a big page is cut to max_chars with a note; JSON is pretty-printed; images are attachments; 404 is reported", async () => {
    const big = await run("web_fetch", { url: `${base}/big`, max_chars: 1000 });
    expect(big.out.output.content).toHaveLength(1000);
    expect(big.out.output.truncated).toEqual({ shown: 1000, total: 199_999, unit: "chars" });
    expect(big.out.output.summary).toContain("198999 cut");
    const json = await run("web_fetch", { url: `${base}/data.json` });
    expect(json.out.output.content).toBe('{\n  "name": "moltbot",\n  "tags": [\n    "a",\n    "b"\n  ]\n}');
    const png = await run("web_fetch", { url: `${base}/logo.png` });
    expect(png.out.output.attachments).toEqual([{ kind: "image", mime: "image/png", name: "logo.png", base64: "iVBORwABAg==" }]);
    const missing = await run("web_fetch", { url: `${base}/nothing` });
    expect(missing.out.output).toMatchObject({ status: 404, content: "not here" });
    expect(missing.out.output.summary).toStartWith(`HTTP 404 from ${base}/nothing`);
  });

  test("loopback by another name is denied, never asked about", async () => {
    const r = await run("web_fetch", { url: `http://localhost:${server.port}/food/menu.html` }, ["--yes"]);
    expect(r.code).toBe(3);
    expect(r.out.error.code).toBe("permission_denied");
    expect(lastAudit()).toMatchObject({ result: "denied", denials: [{ kind: "net" }] });
  });
});
