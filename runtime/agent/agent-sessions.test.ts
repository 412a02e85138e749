import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentEvent } from "../contracts/agent.ts";
import type { ChatEvent } from "../contracts/provider.ts";
import { MemoryStore } from "../../memory/index.ts";
import { SandboxPool } from "../sandbox/index.ts";
import { SessionStore } from "../sessions/index.ts";
import { SUMMARY_CHARS, summariseDropped } from "./context.ts";
import { AgentHome, call, collect, lastToolText, policyYaml, say, ScriptedProvider, turn } from "./test-fixture.ts";

let pool: SandboxPool;
let home: AgentHome;
beforeAll(() => { pool = new SandboxPool({ maxWorkers: 1 }); });
afterAll(async () => { await pool.close(); });
afterEach(() => home?.cleanup());

const policy = policyYaml("  allowedWithoutConfirmation: [spin]\n  default: confirm");
const isCancelled = (e: AgentEvent | undefined) => e?.type === "error" && e.error.details?.cancelled === true;
const contents = (p: ScriptedProvider, i: number) => p.requests[i]!.messages.map((m) => m.content);

describe("cancellation", () => {
  test("/stop while a skill runs aborts the skill and ends the turn", async () => {
    home = new AgentHome();
    await home.skill("spin", "export default async () => { while (true) {} };");
    const provider = new ScriptedProvider(() => call("spin", {}));
    const agent = home.agent(provider, pool, policy);
    const events = await collect(agent.run(turn("spin")), (e) => { if (e.type === "tool_call") expect(agent.stop("s1")).toBe(true); });
    expect(isCancelled(events.at(-1))).toBe(true);
    expect(events.some((e) => e.type === "tool_result")).toBe(false);
    // The skill ended cancelled, not by running into its 5 s limit.
    expect(home.auditLines()).toMatchObject([{ tool: "spin", result: "error", error_code: "skill_error" }]);
    expect(agent.stop("s1")).toBe(false);
    agent.close();
  });

  test("/stop while the model streams aborts the model's stream", async () => {
    home = new AgentHome();
    const provider = new ScriptedProvider((_req, _n, signal) => (async function* (): AsyncGenerator<ChatEvent> {
      yield { type: "text", delta: "thinking" };
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
    })());
    const agent = home.agent(provider, pool, policy);
    const events = await collect(agent.run(turn("hi")), (e) => { if (e.type === "delta") agent.stop("s1"); });
    expect(provider.signals[0]!.aborted).toBe(true);
    expect(isCancelled(events.at(-1))).toBe(true);
    agent.close();
  });

  test("shutdown through the caller's signal ends a turn waiting for an approval, as rejected", async () => {
    home = new AgentHome();
    await home.skill("send", "export default async () => 'sent';");
    const provider = new ScriptedProvider(() => call("send", {}));
    const agent = home.agent(provider, pool, policyYaml("  requiresConfirmation: [send]"));
    const shutdown = new AbortController();
    const events = await collect(agent.run(turn("x"), shutdown.signal), (e) => { if (e.type === "approval_request") shutdown.abort(); });
    expect(isCancelled(events.at(-1))).toBe(true);
    expect(home.auditLines()).toMatchObject([{ tool: "send", result: "rejected", user_approved: false }]);
    agent.close();
  });
});

describe("sessions, transcripts and identity", () => {
  test("a new Agent (after a restart) resumes the session's transcript", async () => {
    home = new AgentHome();
    const first = home.agent(new ScriptedProvider(() => say("Nice to meet you, Ann")), pool, policy);
    await collect(first.run(turn("my name is Ann")));
    first.close();
    home.memory = new MemoryStore(join(home.dir, "memory"));
    const provider = new ScriptedProvider(() => say("Ann"));
    const second = home.agent(provider, pool, policy);
    await collect(second.run(turn("what is my name?")));
    expect(contents(provider, 0).slice(1)).toEqual(["my name is Ann", "Nice to meet you, Ann", "what is my name?"]);
    second.close();
  });

  test("identity link: two channel users share one session, one transcript and one profile", async () => {
    home = new AgentHome();
    const sessions = new SessionStore(home.stateDb);
    sessions.link("telegram:1", "matrix:@a:x");
    await home.memory.addFact("telegram:1", "likes green tea");
    const tg = { session: sessions.sessionFor({ channel: "telegram", chatId: "1", user: "telegram:1", isGroup: false }), user: sessions.canonicalUser("telegram:1"), channel: "telegram" };
    const mx = { session: sessions.sessionFor({ channel: "matrix", chatId: "!room:x", user: "matrix:@a:x", isGroup: false }), user: sessions.canonicalUser("matrix:@a:x"), channel: "matrix" };
    expect(mx).toEqual({ ...tg, channel: "matrix" });
    const provider = new ScriptedProvider((_r, n) => say(n === 0 ? "noted" : "you said hello from telegram"));
    const agent = home.agent(provider, pool, policy);
    await collect(agent.run({ ...tg, text: "hello from telegram" }));
    await collect(agent.run({ ...mx, text: "what did I say?" }));
    expect(contents(provider, 1)).toContain("hello from telegram");
    expect(contents(provider, 1)[0]).toContain("likes green tea");
    sessions.close();
    agent.close();
  });

  test("a linked identity may answer the approval its person requested", async () => {
    home = new AgentHome();
    new SessionStore(home.stateDb).link("telegram:1", "matrix:@a:x");
    await home.skill("send", "export default async () => 'sent';");
    const agent = home.agent(new ScriptedProvider((req, n) => (n === 0 ? call("send", {}) : say(lastToolText(req)))), pool, policyYaml("  requiresConfirmation: [send]"));
    const events = await collect(agent.run(turn("x")), async (e) => {
      if (e.type === "approval_request") expect(await agent.resolveApproval(e.approval.id, "approve", "matrix:@a:x")).toEqual({ ok: true });
    });
    expect(events.at(-1)).toMatchObject({ type: "final", text: '"sent"' });
    agent.close();
  });

  test("instruction skills: name and description in the prompt, the body on demand through skill_read", async () => {
    home = new AgentHome();
    await home.instruction("packing", "How to pack for a trip", "Always pack two pairs of socks.");
    const provider = new ScriptedProvider((req, n) => (n === 0 ? call("skill_read", { name: "packing" }) : say(lastToolText(req))));
    const agent = home.agent(provider, pool, policyYaml("  default: confirm"));
    const events = await collect(agent.run(turn("help me pack")));
    expect(contents(provider, 0)[0]).toContain("- packing: How to pack for a trip");
    expect(contents(provider, 0)[0]).not.toContain("socks");
    expect(events.some((e) => e.type === "approval_request")).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: "final", text: expect.stringContaining("Always pack two pairs of socks.") });
    expect(home.auditLines()).toMatchObject([{ tool: "skill_read", result: "success", decision: "allow" }]);
    agent.close();
  });

  test("context trimming keeps the newest messages and summarises the dropped ones into daily notes once", async () => {
    home = new AgentHome();
    const t0 = Date.parse("2026-01-01T10:00:00Z");
    for (let i = 0; i < 10; i++) await home.memory.appendTranscript("s1", { role: i % 2 ? "assistant" : "user", text: `message-${i} ${"x".repeat(290)}`, at: new Date(t0 + i * 1000) });
    const provider = new ScriptedProvider(() => say("ok"));
    const agent = home.agent(provider, pool, policy, { contextChars: 2000 });
    await collect(agent.run(turn("newest")));
    const sent = contents(provider, 0).join("\n");
    expect(sent).toContain("message-9");
    expect(sent).not.toContain("message-0 ");
    await collect(agent.run(turn("again")));
    const dailyDir = join(home.dir, "memory", "daily");
    const daily = readdirSync(dailyDir).map((f) => readFileSync(join(dailyDir, f), "utf8")).join("\n");
    expect(daily).toContain("Earlier in session s1");
    expect(daily.split("message-0 ").length - 1).toBe(1);
    agent.close();
  });

  test("a summary of dropped turns too long for one daily note is cut to fit, and the session goes on", async () => {
    home = new AgentHome();
    const t0 = Date.parse("2026-01-01T10:00:00Z");
    for (let i = 0; i < 40; i++) await home.memory.appendTranscript("s1", { role: i % 2 ? "assistant" : "user", text: `message-${i} ${"x".repeat(300)}`, at: new Date(t0 + i * 1000) });
    await home.memory.appendTranscript("s1", { role: "assistant", text: "y".repeat(25_000), at: new Date(t0 + 40_000) });
    const agent = home.agent(new ScriptedProvider(() => say("ok")), pool, policy);
    // Before, memory refused the ~9 700-character summary and this turn, and every later one, failed.
    expect((await collect(agent.run(turn("next")))).at(-1)).toMatchObject({ type: "final", text: "ok" });
    expect((await collect(agent.run(turn("and again")))).at(-1)).toMatchObject({ type: "final", text: "ok" });
    const notes = dailyNotes(home.dir);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.length).toBeLessThanOrEqual(SUMMARY_CHARS);
    expect(notes[0]).toContain("message-1 xxx"); // the oldest of the 40 entries read
    expect(notes[0]).toContain(`assistant: ${"y".repeat(40)}`);
    expect(notes[0]).toContain("…");
    expect((await home.memory.readTranscript("s1")).slice(-4).map((e) => e.text)).toEqual(["next", "ok", "and again", "ok"]);
    agent.close();
  });

  test("a user message longer than the whole context still gets an answer", async () => {
    home = new AgentHome();
    const t0 = Date.parse("2026-01-01T10:00:00Z");
    for (let i = 0; i < 40; i++) await home.memory.appendTranscript("s1", { role: i % 2 ? "assistant" : "user", text: `message-${i} ${"x".repeat(300)}`, at: new Date(t0 + i * 1000) });
    const agent = home.agent(new ScriptedProvider(() => say("ok")), pool, policy);
    expect((await collect(agent.run(turn("z".repeat(25_000))))).at(-1)).toMatchObject({ type: "final", text: "ok" });
    expect(dailyNotes(home.dir)[0]!.length).toBeLessThanOrEqual(SUMMARY_CHARS);
    agent.close();
  });

  test("summaries share the room among the entries, then count the ones left out", () => {
    const at = new Date("2026-01-01T10:00:00Z");
    const entries = (n: number, text: string) => Array.from({ length: n }, () => ({ role: "user", text, at }));
    expect(summariseDropped("s1", entries(2, "short"))).toBe(`Earlier in session s1 (trimmed from the model's context):\n- ${at.toISOString()} user: short\n- ${at.toISOString()} user: short`);
    expect(summariseDropped("s1", entries(1, "x".repeat(500)))).toEndWith(` user: ${"x".repeat(200)}…`);
    const many = summariseDropped("s1", entries(1000, "x".repeat(500)));
    expect(many.length).toBeLessThanOrEqual(SUMMARY_CHARS);
    expect(many).toMatch(/\n- … \d+ more$/);
    // A cut never leaves half of a surrogate pair.
    expect(summariseDropped("s1", entries(1, "x".repeat(199) + "😀".repeat(10)))).toEndWith(`user: ${"x".repeat(199)}…`);
  });

  test("turns of one session run one after another; their transcript entries never interleave", async () => {
    home = new AgentHome();
    const agent = home.agent(new ScriptedProvider((req) => say(`re: ${req.messages.at(-1)!.content}`)), pool, policy);
    await Promise.all([collect(agent.run(turn("a"))), collect(agent.run(turn("b")))]);
    expect((await home.memory.readTranscript("s1")).map((e) => e.text)).toEqual(["a", "re: a", "b", "re: b"]);
    agent.close();
  });
});

/** The daily notes of a home, as written (bullet time and continuation indent removed). */
function dailyNotes(dir: string): string[] {
  const daily = join(dir, "memory", "daily");
  return readdirSync(daily).flatMap((f) => readFileSync(join(daily, f), "utf8").split(/\n(?=- \d\d:\d\d )/).slice(1))
    .map((b) => b.replace(/^- \d\d:\d\d /, "").replace(/\n {2}/g, "\n").trimEnd());
}
