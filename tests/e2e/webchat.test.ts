// WebChat in real Chromium against the real agent (runtime/agent) whose model is the fake
// Ollama server speaking the real wire protocol: streaming, safe Markdown, an approval round
// trip through the page's buttons into the sandbox and the audit log, history, reconnect.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { MoltAgent } from "../../runtime/agent/index.ts";
import { AuditLog } from "../../runtime/audit/index.ts";
import { startGateway, type RunningGateway } from "../../runtime/gateway/server.ts";
import { createProvider } from "../../runtime/providers/index.ts";
import { SandboxPool } from "../../runtime/sandbox/index.ts";
import { MemoryStore } from "../../memory/index.ts";
import { parsePolicy } from "../../policy/index.ts";
import { loadSkill } from "../../skills/index.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";

const dir = mkdtempSync(join(tmpdir(), "moltbot-webchat-"));
let fake: FakeModelServer;
let pool: SandboxPool;
let audit: AuditLog;
let memory: MemoryStore;
let agent: MoltAgent;
let gw: RunningGateway;
let browser: Browser;

function gateway(port = 0): RunningGateway {
  return startGateway({ host: "127.0.0.1", port, version: "test", agent, history: async (s, last) => (await memory.readTranscript(s, { last })).map((e) => ({ role: e.role, text: e.text })) });
}

beforeAll(async () => {
  const skillDir = join(dir, "skills", "note_write");
  mkdirSync(skillDir, { recursive: true });
  writeFileSync(join(skillDir, "skill.json"), JSON.stringify({ name: "note_write", version: "1.0.0", description: "Save a note", implementation: "main.js", parameters: { text: { type: "string", required: true } }, permissions: [] }));
  writeFileSync(join(skillDir, "main.js"), "export default async ({ text }) => ({ saved: text, summary: `saved ${text}` });");
  const { skill } = await loadSkill(skillDir);
  fake = await startFakeOllama();
  pool = new SandboxPool({ maxWorkers: 1 });
  audit = AuditLog.open(join(dir, "audit.jsonl"), { stateDb: join(dir, "state.db"), fsync: false });
  memory = new MemoryStore(join(dir, "memory"));
  const policy = parsePolicy("version: 1\ntrust:\n  requiresConfirmation: [note_write]\n  default: confirm\n");
  agent = new MoltAgent({
    provider: createProvider({ ai_provider: "ollama", ollama: { model: "llama3.2", base_url: fake.url }, retries: 0 }),
    skills: () => [skill],
    runner: { pool, policy, audit, home: dir },
    memory,
    stateDb: join(dir, "state.db"),
  });
  gw = gateway();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
});

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  await fake?.stop();
  await pool?.close();
  audit?.close();
  memory?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function send(page: Page, text: string) {
  await page.fill("#input", text);
  await page.press("#input", "Enter");
}

describe("WebChat", () => {
  test("approval round trip: the Approve button runs the skill, the answer streams in as safe Markdown", async () => {
    fake.script([
      { toolCalls: [{ name: "note_write", params: { text: "buy milk" } }] },
      { text: "# Saved\n\nI saved **buy milk** for *you*. See [the docs](https://example.org/notes) and `notes.md`.\n\n- one\n- two\n\n```\nx < y\n```\n\n<img src=x onerror=alert(1)> [bad](javascript:alert(1))", chunks: 6, delayMs: 5 },
    ]);
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => (dialogs.push(d.message()), void d.dismiss()));
    await page.goto(gw.url);
    await page.waitForSelector("#status.ok");
    await send(page, "remember to buy milk");
    const card = page.locator(".approval");
    await card.waitFor();
    expect(await card.textContent()).toContain("note_write");
    expect(await card.textContent()).toContain("buy milk");
    await card.getByRole("button", { name: "Approve" }).click();
    const answer = page.locator(".msg.assistant[data-final=true]");
    await answer.waitFor();
    const html = await answer.innerHTML();
    expect(html).toContain("<h1>Saved</h1>");
    expect(html).toContain("<strong>buy milk</strong>");
    expect(html).toContain("<em>you</em>");
    expect(html).toContain('<a href="https://example.org/notes" rel="noopener noreferrer" target="_blank">the docs</a>');
    expect(html).toContain("<code>notes.md</code>");
    expect(html).toContain("<li>one</li><li>two</li>");
    expect(html).toContain("<pre><code>x &lt; y</code></pre>");
    expect(await answer.locator("img").count()).toBe(0);
    expect(html).not.toContain("javascript:");
    expect(await answer.textContent()).toContain("<img src=x onerror=alert(1)>");
    expect(await card.textContent()).toContain("approved");
    expect(dialogs).toEqual([]);
    const entries = readFileSync(join(dir, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(entries.at(-1)).toMatchObject({ tool: "note_write", user_approved: true, result: "success", channel: "webchat" });
    // The model saw the skill's result.
    expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain("saved");
    await page.close();
  });

  test("Deny is audited as rejected; a reload shows the conversation from the transcript", async () => {
    fake.script([{ toolCalls: [{ name: "note_write", params: { text: "secret plan" } }] }, { text: "Okay, I did not save it." }]);
    const page = await browser.newPage();
    await page.goto(gw.url);
    await page.waitForSelector("#status.ok");
    await send(page, "save my secret plan");
    await page.locator(".approval").getByRole("button", { name: "Deny" }).click();
    await page.locator(".msg.assistant[data-final=true]").waitFor();
    expect(await page.locator(".msg.assistant[data-final=true]").textContent()).toContain("did not save");
    const entries = readFileSync(join(dir, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(entries.at(-1)).toMatchObject({ tool: "note_write", user_approved: false, result: "rejected" });
    await page.reload();
    await page.waitForSelector("#status.ok");
    await page.locator(".msg.user", { hasText: "save my secret plan" }).waitFor();
    await page.close();
  });

  test("the page reconnects after the gateway restarts and keeps chatting", async () => {
    fake.script([{ text: "still here" }]);
    const page = await browser.newPage();
    await page.goto(gw.url);
    await page.waitForSelector("#status.ok");
    const port = gw.port;
    await gw.stop();
    await page.waitForSelector("#status.down");
    gw = gateway(port);
    await page.waitForSelector("#status.ok", { timeout: 20_000 });
    await send(page, "are you there?");
    await page.locator(".msg.assistant[data-final=true]", { hasText: "still here" }).waitFor();
    await page.close();
  }, 30_000);
});
