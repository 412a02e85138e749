// "summarize my unread emails from this week" through the agent loop: a scripted model (standing
// in for the external model) emits email_list, then email_read for each unread message, then a
// summary built from what the tools returned; the built-in skills run for real in the sandbox
// against dovecot on 127.0.0.1.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { ChatEvent, ChatRequest } from "../../runtime/contracts/provider.ts";
import type { Skill } from "../../runtime/contracts/skill.ts";
import { MoltAgent } from "../../runtime/agent/index.ts";
import { AgentHome, ScriptedProvider, collect, say, turn } from "../../runtime/agent/test-fixture.ts";
import { parsePolicy } from "../../policy/index.ts";
import { SandboxPool } from "../../runtime/sandbox/index.ts";
import { loadSkill } from "../../skills/index.ts";
import { ROOT } from "../helpers/cli.ts";
import { type Dovecot, startDovecot } from "../helpers/servers/dovecot.ts";

const PASSWORD = "agent-imap-Secret-77";
let imap: Dovecot;
let pool: SandboxPool;
let home: AgentHome;
const skills: Skill[] = [];

beforeAll(async () => {
  imap = await startDovecot([{ user: "alice", password: PASSWORD }]);
  const at = (days: number) => new Date(Date.now() - days * 86_400_000);
  const mail = (from: string, subject: string, days: number, body: string, seen = false) =>
    imap.deliver("alice", `From: ${from}\nTo: alice@example.com\nSubject: ${subject}\nDate: ${at(days).toUTCString()}\n\n${body}\n`, { date: at(days), seen });
  mail("Bob <bob@example.com>", "Invoice 1042", 2, "Invoice 1042 over 300 EUR is due on Friday.");
  mail("Carol <carol@example.com>", "Dinner", 1, "Dinner at 8 on Saturday?");
  mail("Dan <dan@example.com>", "Old thread", 1, "Already read.", true);
  mail("News <news@example.com>", "Last month", 40, "Too old.");
  for (const name of ["email_list", "email_read"]) skills.push((await loadSkill(join(ROOT, "skills/builtin", name))).skill);
  pool = new SandboxPool({ maxWorkers: 1 });
  home = new AgentHome();
});

afterAll(async () => {
  await pool?.close();
  home?.cleanup();
  await imap?.stop();
});

const toolCall = (id: string, name: string, params: unknown): ChatEvent => ({ type: "tool_call", id, name, params });
const toolResults = (req: ChatRequest) => req.messages.filter((m) => m.role === "tool").map((m) => JSON.parse(m.content));

test("summarize my unread emails from this week: email_list + email_read → summary", async () => {
  const model = new ScriptedProvider((req, n) => {
    if (n === 0) return [toolCall("l", "email_list", { unseen: true, days: 7 }), { type: "done", stopReason: "tool_use" }];
    if (n === 1) {
      const listed = toolResults(req)[0].messages as { uid: number }[];
      return [...listed.map((m) => toolCall(`r${m.uid}`, "email_read", { uid: m.uid })), { type: "done", stopReason: "tool_use" }];
    }
    const read = toolResults(req).slice(1) as { from: string; subject: string; text: string }[];
    return say(read.map((m) => `${m.from}: ${m.subject} — ${m.text.trim()}`).join("\n"));
  });
  const agent = new MoltAgent({
    provider: model,
    skills: () => skills,
    runner: {
      pool, audit: home.audit, home: home.dir,
      policy: parsePolicy(`version: 1
trust: { allowedWithoutConfirmation: [email_list, email_read] }
skills:
  email_list: { allow: { mail: [read], net: ["127.0.0.1:${imap.port}"] } }
  email_read: { allow: { mail: [read], net: ["127.0.0.1:${imap.port}"] } }
`),
      mail: { imap: { host: "127.0.0.1", port: imap.port, secure: false, user: "alice", password: PASSWORD } },
    },
    memory: home.memory,
    stateDb: home.stateDb,
  });
  const events = await collect(agent.run(turn("summarize my unread emails from this week")));
  const final = events.at(-1);
  expect(final).toMatchObject({ type: "final" });
  expect((final as { text: string }).text).toBe(
    "Carol <carol@example.com>: Dinner — Dinner at 8 on Saturday?\nBob <bob@example.com>: Invoice 1042 — Invoice 1042 over 300 EUR is due on Friday.",
  );
  expect(events.filter((e) => e.type === "tool_result").map((e) => (e as { tool: string }).tool)).toEqual(["email_list", "email_read", "email_read"]);
  expect(home.auditLines().map((l) => [l.tool, l.result])).toEqual([["email_list", "success"], ["email_read", "success"], ["email_read", "success"]]);
  expect(JSON.stringify(model.requests)).not.toContain(PASSWORD);
  agent.close();
});
