// What the browser service keeps a page from doing and how it reports it: no WebRTC (STUN goes
// over UDP, past route() and the proxy) and no WebTransport, from the page, an iframe or a
// worker; the true number of refused requests; a short wait for a selector that matches nothing;
// a page that does not answer is a timeout naming it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createSocket, type Socket } from "node:dgram";
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { ROOT, Sandbox } from "../helpers/cli.ts";
import { FORM_PAGE, startSite, type Site } from "./builtin-browser-fixture.ts";

const SKILL = join(ROOT, "skills/builtin/browser_control");
const sb = new Sandbox();
let granted: Site;
let other: Site;
let silent: ReturnType<typeof Bun.serve>;
let udp: Socket;
const packets: string[] = [];
let policy: string;
let audit: string;

/** This machine's first non-loopback IPv4 address (WebRTC treats loopback and the rest apart). */
const lanAddress = () => Object.values(networkInterfaces()).flat().find((a) => a && a.family === "IPv4" && !a.internal)?.address;

/** Tries WebRTC (STUN to each address) and WebTransport (QUIC), then reports what it could do. */
const egressScript = (targets: string[], port: number) => `
  const done = [];
  for (const host of ${JSON.stringify(targets)}) {
    try {
      const pc = new RTCPeerConnection({ iceServers: [{ urls: "stun:" + host + ":${port}" }] });
      pc.createDataChannel("x");
      pc.createOffer().then((o) => pc.setLocalDescription(o));
      done.push(new Promise((ok) => { pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && ok(); setTimeout(ok, 1500); }));
      report("rtc " + host);
    } catch (e) { report("no rtc " + host); }
    try { new WebTransport("https://" + host + ":${port}/x").ready.catch(() => {}); report("wt " + host); } catch (e) { report("no wt " + host); }
  }`;

beforeAll(async () => {
  udp = createSocket("udp4");
  udp.on("message", (msg, from) => packets.push(`${from.address}:${from.port} ${msg.length} bytes`));
  await new Promise<void>((ok) => udp.bind(0, "0.0.0.0", ok));
  const port = udp.address().port;
  const targets = ["127.0.0.1", lanAddress()].filter((a): a is string => a !== undefined);
  const report = `const report = (s) => (self.attempts ??= []).push(s);`;
  other = startSite({ "/x.png": "x" });
  const imgs = (n: number) => Array.from({ length: n }, (_, i) => `<img src="${other.url}/x.png?${i}">`).join("");
  const attempts = report + egressScript(targets, port);
  granted = startSite({
    "/egress": `<!doctype html><title>Egress</title><p id="log"></p>
      <script>${attempts}
        onmessage = (e) => report(e.data);
        const w = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(`${attempts}; postMessage("worker: " + self.attempts.join(", "))`)}])));
        w.onmessage = (e) => report(e.data);
        addEventListener("load", () => Promise.all(done).then(() => setTimeout(() => {
          document.getElementById("log").textContent = self.attempts.join("; ");
          document.body.insertAdjacentHTML("beforeend", "<p id=done>done</p>");
        }, 1000)));
      </script>
      <iframe src="/frame"></iframe>`,
    "/frame": `<!doctype html><script>${attempts}; parent.postMessage("frame: " + self.attempts.join(", "), "*")</script>`,
    "/imgs35": `<title>Many</title>${imgs(35)}`,
    "/imgs150": `<title>Lots</title>${imgs(150)}`,
    "/form": FORM_PAGE,
  });
  // Accepts the connection and never answers.
  silent = Bun.serve({ port: 0, hostname: "127.0.0.1", idleTimeout: 0, fetch: () => new Promise<Response>(() => {}) });
  audit = join(sb.dir, "audit.jsonl");
  const net = `["127.0.0.1:${granted.port}", "127.0.0.1:${silent.port}"]`;
  policy = sb.file("policy.yaml", `version: 1
prompt: false
trust: { default: allow }
skills:
  browser_control: { allow: { browser: true, net: ${net} }, limits: { timeout: 25s } }
  page_steps: { allow: { browser: true, net: ${net} }, limits: { timeout: 20s } }
`);
});
afterAll(() => {
  granted.stop();
  other.stop();
  silent.stop(true);
  udp.close();
  sb.cleanup();
});

const run = (dir: string, params: unknown) =>
  sb.run(["skill", "run", dir, "--params", JSON.stringify(params), "--policy", policy, "--audit", audit, "--json"]);
const lastAudit = () => JSON.parse(readFileSync(audit, "utf8").trim().split("\n").at(-1)!);

/** A skill that opens `url` and then runs `steps` (the body of an async function with `browser`). */
const steps = (body: string) =>
  sb.skill("page_steps", { permissions: { browser: true, net: [`127.0.0.1:${granted.port}`] }, parameters: { url: { type: "string", required: true } } }, {
    "main.js": `export default async ({ url }) => { await browser.open(url); ${body} };`,
  });

describe("browser egress", () => {
  test("no UDP leaves the page: WebRTC's STUN and WebTransport, from the page, an iframe and a worker", async () => {
    // The page shows its log once every attempt has had time to send.
    const r = await run(steps(`
      for (let i = 0; i < 3; i++) { try { await browser.text("#done"); break; } catch {} }
      return { log: (await browser.text("#log")).text };`), { url: `${granted.url}/egress` });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const { log } = JSON.parse(r.stdout).output;
    // The attempts were made (so the check below is not vacuous)...
    expect(log).toMatch(/(^|; )rtc 127\.0\.0\.1/);
    if (lanAddress()) expect(log).toContain(`; rtc ${lanAddress()}`);
    expect(log).toContain("frame: rtc 127.0.0.1");
    expect(log).toContain("worker: ");
    // ...and nothing reached the listener, on loopback or the machine's other address.
    await Bun.sleep(500);
    expect(packets).toEqual([]);
  }, 40_000);
});

describe("blocked requests", () => {
  test("35 refused images: the summary and the audit count all 35, the skill sees the first 20", async () => {
    const r = await run(SKILL, { action: "open", url: `${granted.url}/imgs35` });
    expect(r.code).toBe(0);
    const { output } = JSON.parse(r.stdout);
    expect(output.summary).toContain("35 requests were blocked");
    expect(output.blocked).toHaveLength(20);
    expect(output.blocked_total).toBe(35);
    const entry = lastAudit();
    expect(entry.denials).toHaveLength(35);
    expect(entry.denials[0]).toEqual({ kind: "net", value: `127.0.0.1:${other.port}`, rule: expect.any(String) });
    expect(entry.denials_omitted).toBeUndefined();
    expect(other.hits).toEqual([]);
  });

  test("150 refused images: the audit lists 100 and counts the other 50", async () => {
    const r = await run(SKILL, { action: "open", url: `${granted.url}/imgs150` });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).output.summary).toContain("150 requests were blocked");
    const entry = lastAudit();
    expect(entry.denials).toHaveLength(100);
    expect(entry.denials_omitted).toBe(50);
    expect(other.hits).toEqual([]);
  });
});

describe("selectors", () => {
  test("a selector that matches nothing fails within seconds, and the call has time for the next step", async () => {
    const r = await run(steps(`
      let error;
      try { await browser.click("#nope"); } catch (e) { error = e.message; }
      return { error, heading: (await browser.text("#greeting")).text };`), { url: `${granted.url}/form` });
    expect(r.stdout).toContain('"output"');
    const { output } = JSON.parse(r.stdout);
    expect(output.error).toContain("no element matches #nope");
    expect(output.error).toContain("text");
    expect(output.error).toContain("(waited 5 s)");
    expect(output.heading).toBe("Hello browser");
  }, 40_000);

  test("uncaught, it ends the call as the skill's error, not a timeout", async () => {
    const r = await run(steps(`await browser.fill("#nope", "x");`), { url: `${granted.url}/form` });
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe("skill_error");
    expect(error.message).toContain("browser.fill: no element matches #nope");
  }, 40_000);
});

describe("a page that does not answer", () => {
  test("is a timeout (exit 5) naming the URL and the per-request limit", async () => {
    const url = `http://127.0.0.1:${silent.port}/slow`;
    const r = await run(SKILL, { action: "open", url });
    expect(r.code).toBe(5);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe("timeout");
    expect(error.message).toContain(url);
    expect(error.message).toContain("15 s");
  }, 40_000);
});
