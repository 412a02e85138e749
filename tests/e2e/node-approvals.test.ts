// A node's own confirmations, its refusals and its shutdown (DESIGN §9), with a real gateway and
// real node processes: the gateway's user's yes to a call reaches a node started with
// --accept-approvals and answers that node's confirmation tier (never a permission prompt, a
// deny or a call the gateway did not ask about); a node's refusals say they are the node's; a
// stopped node lets a running call finish, or cancels and audits it after 5 s.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";
import { Sandbox } from "../helpers/cli.ts";
import { spawnCli, startGatewayProc, TOKEN, type Proc } from "./node-helpers.ts";

const gwBox = new Sandbox();
const laptopBox = new Sandbox(); // started with --accept-approvals
const deskBox = new Sandbox(); // started without it
const slowBox = new Sandbox(); // nodes that are stopped mid-call
const secret = join(laptopBox.dir, "private");
let fake: FakeModelServer;
let gw: Proc & { url: string };
const nodes: Proc[] = [];

const GATEWAY_POLICY = `version: 1
trust:
  requiresConfirmation: [laptop_lock, desk_lock, needs_write]
  allowedWithoutConfirmation: [sneaky_lock, touch_file, slow_write, slow_forever]
  default: confirm
`;

/** Both nodes ask about their locks; laptop prompts for what it has not granted. */
const nodePolicy = (box: Sandbox) => `version: 1
prompt: true
trust:
  requiresConfirmation: [laptop_lock, desk_lock, sneaky_lock, needs_write]
  allowedWithoutConfirmation: [touch_file, slow_write, slow_forever]
  default: confirm
deny:
  write: ["${secret}"]
skills:
  touch_file: { allow: { write: ["${box.dir}"] } }
  slow_write: { allow: { write: ["${slowBox.dir}"] }, limits: { timeout: 60s } }
  slow_forever: { limits: { timeout: 60s } }
`;

function install(box: Sandbox, name: string, manifest: Record<string, unknown>, source: string): void {
  const dir = join(box.home, "skills", name);
  mkdirSync(dir, { recursive: true });
  Bun.write(join(dir, "skill.json"), JSON.stringify({ name, version: "1.0.0", description: `node test skill ${name}`, implementation: "main.js", parameters: {}, ...manifest }));
  Bun.write(join(dir, "main.js"), source);
}

const busy = (ms: number) => `const s = Date.now(); while (Date.now() - s < ${ms}) {}`;
const done = join(slowBox.dir, "slow-done.txt");

function startNode(box: Sandbox, name: string, flags: string[] = []): Proc {
  const policy = box.file(`policy-${name}.yaml`, nodePolicy(box));
  const p = spawnCli(box, ["node", "--gateway", gw.url, "--token", TOKEN, "--name", name, "--policy", policy, ...flags]);
  nodes.push(p);
  return p;
}

const auditOf = (box: Sandbox): any[] =>
  existsSync(join(box.home, "audit.jsonl")) ? readFileSync(join(box.home, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [];

/** One chat turn over WS that answers every approval card with `approve`; the events it saw. */
async function chat(text: string, approve: boolean, onEvent: (event: string, data: any) => void = () => {}): Promise<{ event: string; data: any }[]> {
  const c = await GatewayClient.connect(gw.url, { token: TOKEN, name: "owner" });
  const events: { event: string; data: any }[] = [];
  const end = new Promise<void>((resolve) => {
    for (const name of ["approval.request", "tool.call", "tool.result", "chat.final", "chat.error"]) {
      c.on(name, (data: any) => {
        events.push({ event: name, data });
        onEvent(name, data);
        if (name === "approval.request") void c.request("approval.resolve", { id: data.id, approve });
        if (name === "chat.final" || name === "chat.error") resolve();
      });
    }
  });
  await c.request("chat.send", { text });
  await end;
  c.close();
  return events;
}

/** What the model read as the result of its one tool call. */
const toolText = (): string => {
  const body = fake.requests.filter((r) => r.path === "/api/chat").at(-1)!.body as any;
  return (body.messages as any[]).filter((m) => m.role === "tool").map((m) => String(m.content)).join("\n");
};

beforeAll(async () => {
  mkdirSync(secret, { recursive: true });
  const lock = "export default async () => ({ locked: true });";
  install(laptopBox, "laptop_lock", {}, lock);
  install(laptopBox, "sneaky_lock", {}, lock);
  install(laptopBox, "needs_write", { permissions: { write: [laptopBox.dir] } }, `export default async () => { await fs.writeTextFile(${JSON.stringify(join(laptopBox.dir, "nw.txt"))}, "x"); return { wrote: true }; };`);
  install(laptopBox, "touch_file", { permissions: { write: [laptopBox.dir] }, parameters: { path: { type: "string", required: true } } },
    "export default async ({ path }) => { await fs.writeTextFile(path, 'x'); return { wrote: path }; };");
  install(slowBox, "slow_write", { permissions: { write: [slowBox.dir] } }, `export default async () => { ${busy(3000)} await fs.writeTextFile(${JSON.stringify(done)}, 'written'); return { wrote: true }; };`);
  install(slowBox, "slow_forever", {}, `export default async () => { ${busy(30_000)} return { finished: true }; };`);
  install(deskBox, "desk_lock", {}, lock);
  fake = await startFakeOllama();
  gw = await startGatewayProc(gwBox, fake.url, GATEWAY_POLICY);
  const laptop = startNode(laptopBox, "laptop", ["--accept-approvals"]);
  const desk = startNode(deskBox, "desk");
  await Promise.all([laptop.out.waitFor(/moltbot node laptop connected/), desk.out.waitFor(/moltbot node desk connected/)]);
});

afterAll(async () => {
  for (const n of nodes) n.proc.kill("SIGKILL");
  gw?.proc.kill("SIGKILL");
  await fake?.stop();
  for (const b of [gwBox, laptopBox, deskBox, slowBox]) b.cleanup();
});

describe("the gateway's approval and the node's confirmation", () => {
  test("approved at the gateway, the call runs on a node started with --accept-approvals; its audit says who approved", async () => {
    fake.script([{ toolCalls: [{ name: "laptop_lock", params: {} }] }, { text: "locked" }]);
    const events = await chat("lock my laptop", true);
    const card = events.find((e) => e.event === "approval.request")!;
    expect(card.data.reason).toContain("node laptop");
    expect(toolText()).toContain('"locked":true');
    const mine = auditOf(gwBox).filter((e) => e.tool === "laptop_lock");
    expect(mine.at(-1)).toMatchObject({ node: "laptop", decision: "confirm", user_approved: true, result: "success" });
    expect(auditOf(laptopBox).filter((e) => e.tool === "laptop_lock").at(-1)).toMatchObject({
      node: "laptop", decision: "confirm", user_approved: true, result: "success", user: "webchat:owner", session: mine.at(-1).session,
    });
  });

  test("a node without --accept-approvals still asks nobody, and says how to allow it", async () => {
    fake.script([{ toolCalls: [{ name: "desk_lock", params: {} }] }, { text: "could not" }]);
    await chat("lock my desk", true);
    const text = toolText();
    expect(text).toContain("confirmation_required: on node desk:");
    expect(text).toContain("--accept-approvals");
    expect(text).toContain("desk's policy");
    expect(auditOf(deskBox).at(-1)).toMatchObject({ tool: "desk_lock", node: "desk", user_approved: false, result: "rejected", error_code: "confirmation_required" });
  });

  test("a call the gateway did not ask about is not approved on the node", async () => {
    fake.script([{ toolCalls: [{ name: "sneaky_lock", params: {} }] }, { text: "could not" }]);
    const events = await chat("lock quietly", true);
    expect(events.some((e) => e.event === "approval.request")).toBe(false);
    expect(toolText()).toContain("confirmation_required: on node laptop: sneaky_lock needs confirmation");
    expect(toolText()).toContain("the gateway did not ask anyone");
    expect(auditOf(laptopBox).at(-1)).toMatchObject({ tool: "sneaky_lock", user_approved: false, result: "rejected", error_code: "confirmation_required" });
  });

  test("the relayed yes answers the confirmation only: a permission prompt in the sandbox stays denied", async () => {
    fake.script([{ toolCalls: [{ name: "needs_write", params: {} }] }, { text: "could not" }]);
    await chat("write it", true);
    expect(existsSync(join(laptopBox.dir, "nw.txt"))).toBe(false);
    expect(toolText()).toContain("confirmation_required: on node laptop: needs_write needs write access");
    expect(auditOf(laptopBox).at(-1)).toMatchObject({ tool: "needs_write", result: "denied" });
  });

  test("the node's deny is the node's: the refusal names node laptop and its policy", async () => {
    const file = join(secret, "planted.txt");
    fake.script([{ toolCalls: [{ name: "touch_file", params: { path: file } }] }, { text: "could not" }]);
    await chat("write a file", true);
    expect(existsSync(file)).toBe(false);
    expect(toolText()).toContain("permission_denied: on node laptop:");
    expect(toolText()).toContain("which the node's policy denies (deny.write[0]");
    expect(toolText()).not.toContain("policy.yaml");
  });
});

describe("what the node accepts as a relayed approval (a stand-in gateway sends the frames)", () => {
  test("context.approved answers the confirmation tier only, on a node started with --accept-approvals", async () => {
    const answers = new Map<string, any>();
    let ready!: () => void;
    const connected = new Promise<void>((r) => (ready = r));
    const waiters = new Map<string, (frame: any) => void>();
    let socket!: { send(text: string): void };
    const standIn = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no", { status: 400 })),
      websocket: {
        message(ws, text) {
          const frame = JSON.parse(String(text));
          if (frame.method === "connect") return (socket = ws, ws.send(JSON.stringify({ type: "res", id: frame.id, ok: true, result: {} })), ready());
          answers.set(frame.id, frame);
          waiters.get(frame.id)?.(frame);
        },
      },
    });
    const invoke = (id: string, tool: string, params: unknown, context: unknown) =>
      new Promise<any>((resolve) => (waiters.set(id, resolve), socket.send(JSON.stringify({ type: "req", id, method: "tool.invoke", params: { tool, params, context } }))));
    const policy = laptopBox.file("policy-standin.yaml", nodePolicy(laptopBox));
    const node = spawnCli(laptopBox, ["node", "--gateway", `ws://127.0.0.1:${standIn.port}`, "--name", "standin", "--policy", policy, "--accept-approvals"]);
    nodes.push(node);
    try {
      await connected;
      const who = { session: "s1", channel: "webchat", user: "webchat:owner" };
      const yes = { by: "webchat:owner", approval: "ap-1" };
      expect(await invoke("1", "laptop_lock", {}, { ...who, approved: yes })).toMatchObject({ ok: true, result: { locked: true } });
      expect(await invoke("2", "laptop_lock", {}, who)).toMatchObject({ ok: false, error: { code: "confirmation_required", message: expect.stringContaining("the gateway did not ask anyone") } });
      const file = join(secret, "relayed.txt");
      expect(await invoke("3", "touch_file", { path: file }, { ...who, approved: yes })).toMatchObject({ ok: false, error: { code: "permission_denied", message: expect.stringContaining("on node standin:") } });
      expect(existsSync(file)).toBe(false);
      expect(await invoke("4", "needs_write", {}, { ...who, approved: yes })).toMatchObject({ ok: false, error: { code: "confirmation_required", message: expect.stringContaining("needs write access") } });
      expect(await invoke("5", "laptop_lock", {}, { ...who, approved: { by: "" } })).toMatchObject({ ok: false, error: { code: "invalid_params" } });
      expect(auditOf(laptopBox).filter((e) => e.node === "standin")).toMatchObject([
        { tool: "laptop_lock", user_approved: true, result: "success", user: "webchat:owner", session: "s1" },
        { tool: "laptop_lock", user_approved: false, result: "rejected" },
        { tool: "touch_file", result: "denied" },
        { tool: "needs_write", user_approved: true, result: "denied" },
      ]);
    } finally {
      node.proc.kill("SIGTERM");
      await node.proc.exited;
      standIn.stop(true);
    }
  });
});

describe("a node that is stopped mid-call", () => {
  test("SIGTERM lets a running call finish and answer, then the node exits 0", async () => {
    const node = startNode(slowBox, "drain1");
    await node.out.waitFor(/moltbot node drain1 connected/);
    fake.script([{ toolCalls: [{ name: "slow_write", params: {} }] }, { text: "written" }]);
    const turn = chat("write slowly", true, (event) => {
      if (event === "tool.call") setTimeout(() => node.proc.kill("SIGTERM"), 1200);
    });
    await turn;
    expect(await node.proc.exited).toBe(0);
    expect(node.err.text).toContain("letting 1 running call finish");
    expect(readFileSync(done, "utf8")).toBe("written");
    expect(toolText()).toContain('"wrote":true');
    expect(auditOf(slowBox).filter((e) => e.node === "drain1")).toMatchObject([{ tool: "slow_write", result: "success" }]);
  }, 20_000);

  test("a call still running 5 s after SIGTERM is cancelled, answered and audited as cancelled", async () => {
    const node = startNode(slowBox, "drain2");
    await node.out.waitFor(/moltbot node drain2 connected/);
    fake.script([{ toolCalls: [{ name: "slow_forever", params: {} }] }, { text: "stopped" }]);
    const started = Date.now();
    await chat("run forever", true, (event) => {
      if (event === "tool.call") setTimeout(() => node.proc.kill("SIGTERM"), 500);
    });
    expect(await node.proc.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(toolText()).toContain("cancelled: on node drain2: the node was stopped before slow_forever finished");
    expect(auditOf(slowBox).filter((e) => e.node === "drain2")).toMatchObject([{ tool: "slow_forever", result: "error", error_code: "cancelled" }]);
  }, 25_000);
});
