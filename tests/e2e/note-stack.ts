// Shared by the end-to-end tests of approvals over the gateway: the real agent with the fake
// Ollama server, one skill (note_write) that always needs confirmation, an audit log and memory
// in a throwaway folder, and gateways over them whose approvals expire when a test needs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MoltAgent } from "../../runtime/agent/index.ts";
import { AuditLog } from "../../runtime/audit/index.ts";
import { startGateway, type RunningGateway } from "../../runtime/gateway/server.ts";
import { createProvider } from "../../runtime/providers/index.ts";
import { SandboxPool } from "../../runtime/sandbox/index.ts";
import { MemoryStore } from "../../memory/index.ts";
import { parsePolicy } from "../../policy/index.ts";
import { loadSkill } from "../../skills/index.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";

export interface NoteStack {
  dir: string;
  fake: FakeModelServer;
  audit: AuditLog;
  memory: MemoryStore;
  /** A gateway whose approvals expire after `approvalTimeoutMs`; `name` keeps its state apart. */
  gateway(name: string, approvalTimeoutMs: number): RunningGateway;
  /** Stops every gateway, the model server and the pool, and removes the folder. */
  stop(): Promise<void>;
}

export async function startNoteStack(prefix: string): Promise<NoteStack> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const skillDir = join(dir, "skills", "note_write");
  mkdirSync(skillDir, { recursive: true });
  writeFileSync(join(skillDir, "skill.json"), JSON.stringify({ name: "note_write", version: "1.0.0", description: "Save a note", implementation: "main.js", parameters: { text: { type: "string", required: true } }, permissions: [] }));
  writeFileSync(join(skillDir, "main.js"), "export default async ({ text }) => ({ saved: text, summary: `saved ${text}` });");
  const { skill } = await loadSkill(skillDir);
  const fake = await startFakeOllama();
  const pool = new SandboxPool({ maxWorkers: 1 });
  const audit = AuditLog.open(join(dir, "audit.jsonl"), { stateDb: join(dir, "audit-state.db"), fsync: false });
  const memory = new MemoryStore(join(dir, "memory"));
  const policy = parsePolicy("version: 1\ntrust:\n  requiresConfirmation: [note_write]\n  default: confirm\n");
  const agents: MoltAgent[] = [];
  const gateways: RunningGateway[] = [];
  return {
    dir, fake, audit, memory,
    gateway(name, approvalTimeoutMs) {
      const agent = new MoltAgent({
        provider: createProvider({ ai_provider: "ollama", ollama: { model: "llama3.2", base_url: fake.url }, retries: 0 }),
        skills: () => [skill],
        runner: { pool, policy, audit, home: dir },
        memory,
        stateDb: join(dir, `${name}.db`),
        options: { approvalTimeoutMs },
      });
      agents.push(agent);
      const gw = startGateway({
        host: "127.0.0.1", port: 0, version: "test", agent,
        history: async (s, last) => (await memory.readTranscript(s, { last })).map((e) => ({ role: e.role, text: e.text })),
      });
      gateways.push(gw);
      return gw;
    },
    async stop() {
      for (const gw of gateways) await gw.stop();
      for (const a of agents) a.close();
      await fake.stop();
      await pool.close();
      audit.close();
      memory.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
