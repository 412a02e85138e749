// WebChat in real Chromium against the real agent and the fake Ollama server, where things go
// wrong: a pending approval survives a reload and shows in a second tab (the first answer settles
// both cards), an expired or denied approval says so on its card and in a line that the tool did
// not run, a message over the gateway's limit is refused in the page with the reason and kept in
// the box, and the gateway answers too-long and blank text in plain words.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import type { RunningGateway } from "../../runtime/gateway/server.ts";
import { startNoteStack, type NoteStack } from "./note-stack.ts";

let stack: NoteStack;
let gw: RunningGateway;
let quick: RunningGateway;
let browser: Browser;

beforeAll(async () => {
  stack = await startNoteStack("moltbot-webchat-errors-");
  gw = stack.gateway("slow", 60_000);
  quick = stack.gateway("quick", 1_500);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function open(page: Page, url: string) {
  await page.goto(url);
  await page.waitForSelector("#status.ok");
}

async function send(page: Page, text: string) {
  await page.fill("#input", text);
  await page.press("#input", "Enter");
}

describe("WebChat approvals across reloads and tabs", () => {
  test("after a reload and in a second tab the card is there with its buttons; the first answer settles both", async () => {
    stack.fake.script([{ toolCalls: [{ name: "note_write", params: { text: "call mum" } }] }, { text: "Saved your note." }]);
    // One browser context: the tabs share localStorage, so they are the same user and session.
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await open(page, gw.url);
    await send(page, "remember to call mum");
    await page.locator(".approval button", { hasText: "Approve" }).waitFor();
    await page.reload();
    await page.waitForSelector("#status.ok");
    const card = page.locator(".approval");
    await card.getByRole("button", { name: "Approve" }).waitFor();
    expect(await card.count()).toBe(1);
    expect(await card.textContent()).toContain("call mum");
    // The conversation from the transcript sits above the card.
    await page.locator(".msg.user", { hasText: "remember to call mum" }).waitFor();
    expect(await page.locator("#log > *").first().textContent()).toContain("remember to call mum");

    const tab = await ctx.newPage();
    await open(tab, gw.url);
    const other = tab.locator(".approval");
    await other.getByRole("button", { name: "Deny" }).waitFor();
    await card.getByRole("button", { name: "Approve" }).click();
    await other.locator(".outcome", { hasText: "approved" }).waitFor();
    expect(await other.locator("button").count()).toBe(0);
    expect(await card.locator("button").count()).toBe(0);
    for (const p of [page, tab]) await p.locator(".msg.assistant[data-final=true]", { hasText: "Saved your note." }).waitFor();
    await ctx.close();
  }, 30_000);

  test("a denied approval says so on its card and in a line that the tool was not run", async () => {
    stack.fake.script([{ toolCalls: [{ name: "note_write", params: { text: "password" } }] }, { text: "Alright, noted nothing." }]);
    const page = await browser.newPage();
    await open(page, gw.url);
    await send(page, "note my password");
    await page.locator(".approval").getByRole("button", { name: "Deny" }).click();
    await page.locator(".msg.assistant[data-final=true]").waitFor();
    expect(await page.locator(".approval .outcome").textContent()).toContain("denied");
    expect(await page.locator(".tool.failed").textContent()).toBe("⚠ note_write was not run: it was denied");
    await page.close();
  }, 30_000);

  test("an unanswered approval expires: its card says expired and a line says the tool was not run", async () => {
    stack.fake.script([{ toolCalls: [{ name: "note_write", params: { text: "later" } }] }, { text: "I have saved it." }]);
    const page = await browser.newPage();
    await open(page, quick.url);
    await send(page, "save it for later");
    await page.locator(".approval button", { hasText: "Approve" }).waitFor();
    await page.locator(".msg.assistant[data-final=true]").waitFor({ timeout: 10_000 });
    expect(await page.locator(".approval .outcome").textContent()).toContain("expired");
    expect(await page.locator(".approval button").count()).toBe(0);
    expect(await page.locator(".tool.failed").textContent()).toBe("⚠ note_write was not run: the approval expired");
    await page.close();
  }, 30_000);
});

describe("messages the gateway would refuse", () => {
  test("a message over 100,000 characters stays in the box with the reason; over 1 MiB the connection stays up", async () => {
    const page = await browser.newPage();
    await open(page, gw.url);
    const asked = stack.fake.requests.length;
    for (const n of [100_001, 1_200_000]) {
      await page.$eval("#input", (el, n) => ((el as unknown as { value: string }).value = "x".repeat(n)), n);
      await page.press("#input", "Enter");
      await page.locator("#notice", { hasText: `this one has ${n.toLocaleString("en-US")}` }).waitFor();
      expect(await page.locator("#notice").textContent()).toBe(`⚠ message too long: at most 100,000 characters (this one has ${n.toLocaleString("en-US")})`);
      expect(await page.$eval("#input", (el) => (el as unknown as { value: string }).value.length)).toBe(n);
    }
    expect(await page.locator(".msg.user").count()).toBe(0);
    expect(await page.locator(".msg.error").count()).toBe(0);
    await Bun.sleep(200);
    expect(await page.locator("#status").textContent()).toBe("connected");
    // Shortened, it goes, and the notice is gone.
    stack.fake.script([{ text: "got it" }]);
    await send(page, "short now");
    await page.locator(".msg.assistant[data-final=true]", { hasText: "got it" }).waitFor();
    expect(await page.locator("#notice").isHidden()).toBe(true);
    expect(stack.fake.requests.length).toBe(asked + 1);
    await page.close();
  }, 30_000);

  test("blank messages are not sent by the page", async () => {
    const page = await browser.newPage();
    await open(page, gw.url);
    const asked = stack.fake.requests.length;
    await send(page, "   \n\t  ");
    await Bun.sleep(200);
    expect(await page.locator(".msg").count()).toBe(0);
    expect(stack.fake.requests.length).toBe(asked);
    await page.close();
  });

  test("the gateway answers too-long, empty and blank text in plain words", async () => {
    const c = await GatewayClient.connect(gw.url, { name: "plain" });
    const err = (text: string) => c.request("chat.send", { text }).then(() => null, (e) => e.error);
    const long = await err("x".repeat(100_001));
    expect(long).toEqual({ code: "invalid_params", message: "the message is too long: at most 100000 characters (chat.send params.text)" });
    expect(JSON.stringify(long)).not.toContain("xxxxxxxxxx");
    expect(await err("")).toMatchObject({ code: "invalid_params", message: expect.stringMatching(/^the message is empty/) });
    for (const blank of [" ", "  \n\t \r\n "]) {
      expect(await err(blank)).toMatchObject({ code: "invalid_params", message: expect.stringMatching(/^the message is blank/) });
    }
    // None of them reached the agent.
    expect(await stack.memory.readTranscript("webchat:plain", { last: 5 })).toEqual([]);
    c.close();
  });
});
