// "what's on my calendar tomorrow" through the agent loop: a scripted model (standing in for the
// external model) calls calendar_read for tomorrow and answers from its result; the built-in
// skill runs for real in the sandbox against radicale, with the Basic credential added by the host.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { ChatRequest } from "../../runtime/contracts/provider.ts";
import { MoltAgent } from "../../runtime/agent/index.ts";
import { AgentHome, ScriptedProvider, call, collect, say, turn } from "../../runtime/agent/test-fixture.ts";
import { parsePolicy } from "../../policy/index.ts";
import { SandboxPool } from "../../runtime/sandbox/index.ts";
import { loadSkill } from "../../skills/index.ts";
import { ROOT } from "../helpers/cli.ts";
import { type Radicale, basic, startRadicale } from "../helpers/servers/radicale.ts";

const CREDENTIAL = Buffer.from("alice:agent-cal-Secret-3").toString("base64");
let dav: Radicale;
let cal: string;
let pool: SandboxPool;
let home: AgentHome;
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  dav = await startRadicale([{ user: "alice", password: "agent-cal-Secret-3" }]);
  cal = await dav.makeCalendar("alice", "agent-cal-Secret-3", "work");
  const t = tomorrow.replace(/-/g, "");
  const put = (uid: string, lines: string) =>
    fetch(`${cal}${uid}.ics`, {
      method: "PUT", headers: { authorization: basic("alice", "agent-cal-Secret-3"), "content-type": "text/calendar" },
      body: `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\n${lines}END:VEVENT\r\nEND:VCALENDAR\r\n`,
    });
  await put("a", `DTSTART:${t}T093000Z\r\nDTEND:${t}T100000Z\r\nSUMMARY:Dentist\r\n`);
  await put("b", `DTSTART:${t}T160000Z\r\nDTEND:${t}T170000Z\r\nSUMMARY:Call with Bob\r\n`);
  pool = new SandboxPool({ maxWorkers: 1 });
  home = new AgentHome();
});

afterAll(async () => {
  await pool?.close();
  home?.cleanup();
  await dav?.stop();
});

test("what's on my calendar tomorrow: calendar_read → answer", async () => {
  const lastTool = (req: ChatRequest) => JSON.parse([...req.messages].reverse().find((m) => m.role === "tool")!.content);
  const model = new ScriptedProvider((req, n) =>
    n === 0
      ? call("calendar_read", { date: tomorrow, utc_offset: "+00:00", calendar_url: cal })
      : say(`Tomorrow: ${(lastTool(req).events as { start: string; summary: string }[]).map((e) => `${e.start.slice(11, 16)} ${e.summary}`).join(", ")}`),
  );
  const skill = (await loadSkill(join(ROOT, "skills/builtin/calendar_read"))).skill;
  const agent = new MoltAgent({
    provider: model,
    skills: () => [skill],
    runner: {
      pool, audit: home.audit, home: home.dir,
      policy: parsePolicy(`version: 1\ntrust: { allowedWithoutConfirmation: [calendar_read] }\nskills:\n  calendar_read: { allow: { net: ["127.0.0.1:${dav.port}"] } }\n`),
      credentials: { caldav: { value: CREDENTIAL, host: "127.0.0.1" } },
    },
    memory: home.memory,
    stateDb: home.stateDb,
  });
  const events = await collect(agent.run(turn("what's on my calendar tomorrow?")));
  expect(events.at(-1)).toMatchObject({ type: "final", text: "Tomorrow: 09:30 Dentist, 16:00 Call with Bob" });
  expect(home.auditLines()).toMatchObject([{ tool: "calendar_read", result: "success" }]);
  expect(JSON.stringify(model.requests)).not.toContain(CREDENTIAL);
  agent.close();
});
