// Memory through the whole product: the real `moltbot gateway` process with the shipped policy,
// memory_write / memory_search as sandboxed skills reaching the gateway's own memory store, and a
// model server speaking Ollama's wire protocol that scripts the calls. A WebSocket client plays
// the user and answers the approvals.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { converse as talk, type GatewayEvent } from "../helpers/converse.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";
import { Sandbox, type RunningCli } from "../helpers/cli.ts";

const sb = new Sandbox();
let model: FakeModelServer;
let gw: RunningCli;

beforeAll(async () => {
  model = await startFakeOllama();
  sb.config({ ollama: { model: "llama3.2", base_url: model.url }, retries: 0 });
  gw = await sb.gateway();
});

afterAll(async () => {
  await gw?.stop();
  await model?.stop();
  sb.cleanup();
});

type Ev = GatewayEvent;
const converse = (text: string, approve = true) => talk(gw.url, text, { approve });

const auditLines = () => readFileSync(join(sb.home, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
const profiles = () => readdirSync(join(sb.home, "memory/users")).map((f) => readFileSync(join(sb.home, "memory/users", f), "utf8"));
const toolNames = (body: any): string[] => (body.tools ?? []).map((t: any) => t.function.name);

describe("memory through the agent loop", () => {
  test("remember that I like tea: memory_write is confirmed, sandboxed, and files the fact under the speaker", async () => {
    model.script([{ toolCalls: [{ name: "memory_write", params: { kind: "fact", text: "likes tea", section: "Preferences" } }] }, { text: "Noted: you like tea." }]);
    const events = await converse("remember that I like tea");
    // One tool of each name: the skills, not a host-native copy beside them.
    const names = toolNames(model.requests.at(-2)!.body);
    expect(names.filter((n) => n === "memory_write")).toHaveLength(1);
    expect(names.filter((n) => n === "memory_search")).toHaveLength(1);
    const approval = events.find((e) => e.event === "approval.request");
    expect(approval?.data).toMatchObject({ tool: "memory_write", params: { kind: "fact", text: "likes tea" } });
    expect(events.at(-1)).toMatchObject({ event: "chat.final", data: { text: "Noted: you like tea." } });
    const line = auditLines().at(-1);
    expect(line).toMatchObject({ tool: "memory_write", result: "success", user_approved: true, decision: "confirm", skill_version: "1.0.0" });
    expect(typeof line.user).toBe("string");
    const [profile] = profiles();
    expect(profile).toContain(`# Profile: ${line.user}`);
    expect(profile).toContain("## Preferences\n- likes tea\n");
  });

  test("what do I like to drink: memory_search runs unasked and the model sees the fact", async () => {
    model.script([{ toolCalls: [{ name: "memory_search", params: { query: "tea" } }] }, { text: "You like tea." }]);
    const events = await converse("what do I like to drink?");
    expect(events.some((e) => e.event === "approval.request")).toBe(false);
    const result = events.find((e) => e.event === "tool.result" && e.data.tool === "memory_search");
    expect(result?.data.ok).toBe(true);
    expect(JSON.stringify(model.requests.at(-1)!.body)).toContain("**tea**");
    expect(events.at(-1)).toMatchObject({ event: "chat.final", data: { text: "You like tea." } });
    expect(auditLines().at(-1)).toMatchObject({ tool: "memory_search", result: "success", decision: "allow", user_approved: null });
  });

  test("a refused memory_write writes nothing and is audited as rejected", async () => {
    model.script([{ toolCalls: [{ name: "memory_write", params: { kind: "fact", text: "hates tea" } }] }, { text: "OK, I will not remember that." }]);
    const events = await converse("remember that I hate tea", false);
    expect(events.at(-1)).toMatchObject({ event: "chat.final", data: { text: "OK, I will not remember that." } });
    expect(profiles().join("")).not.toContain("hates tea");
    expect(auditLines().at(-1)).toMatchObject({ tool: "memory_write", result: "rejected", user_approved: false });
  });
});
