// Three promises about trust, through the real `moltbot gateway` process, the shipped policy and
// a model server speaking Ollama's wire protocol: the policy's `confirmation.remember` bounds an
// "always" answer; `policy check` / `policy explain` say what the sandbox does with a mail skill's
// server; a webhook's reply reports the calls its unattended turn could not make.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_POLICY_YAML } from "../../policy/default-policy.ts";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";
import { Sandbox, type RunningCli } from "../helpers/cli.ts";

const TOKEN = "tok-trust-remember-1234";
type Ev = { event: string; data: any };

let model: FakeModelServer;
const boxes: { sb: Sandbox; gw: RunningCli }[] = [];

beforeAll(async () => {
  model = await startFakeOllama();
});

afterAll(async () => {
  for (const { sb, gw } of boxes) {
    await gw.stop();
    sb.cleanup();
  }
  await model?.stop();
});

/** A gateway whose policy is the shipped one with `remember` set as given. */
async function gatewayWith(remember: "none" | "session" | "always"): Promise<{ sb: Sandbox; url: string }> {
  const sb = new Sandbox();
  mkdirSync(join(sb.userHome, "code", "app"), { recursive: true });
  expect(Bun.spawnSync(["git", "init", "-q"], { cwd: join(sb.userHome, "code", "app") }).exitCode).toBe(0);
  sb.config({ ollama: { model: "llama3.2", base_url: model.url }, retries: 0, gateway: { host: "127.0.0.1", port: 0, token: TOKEN } });
  const policy = DEFAULT_POLICY_YAML.replace("remember: none", `remember: ${remember}`);
  expect(policy).toContain(`remember: ${remember}`);
  writeFileSync(join(sb.home, "policy.yaml"), policy);
  const gw = await sb.gateway();
  boxes.push({ sb, gw });
  return { sb, url: gw.url };
}

/** One turn over the WebSocket, answering every approval with `answer`. */
async function turn(url: string, text: string, answer: "always" | "approve" | "deny", session?: string): Promise<Ev[]> {
  const client = await GatewayClient.connect(url.replace(/^http/, "ws") + "/ws", { token: TOKEN, name: "owner" });
  const events: Ev[] = [];
  try {
    return await new Promise<Ev[]>((resolve, reject) => {
      client.on("*", (e: Ev) => {
        events.push(e);
        if (e.event === "approval.request") {
          client.request("approval.resolve", { id: e.data.id, approve: answer !== "deny", ...(answer === "always" ? { always: true } : {}) }).catch(reject);
        }
        if (e.event === "chat.final" || e.event === "chat.error") resolve(events);
      });
      client.request("chat.send", session ? { text, session } : { text }).catch(reject);
    });
  } finally {
    client.close();
  }
}

const GIT = { command: "git", args: ["status"], cwd: "~/code/app" };
/** How many times the same `git status` call was asked about in one turn answered with `answer`. */
async function asked(url: string, answer: "always" | "approve" | "deny", session?: string): Promise<number> {
  model.script([{ toolCalls: [{ name: "shell_execute", params: GIT }] }, { text: "done" }]);
  const events = await turn(url, "run git status in ~/code/app", answer, session);
  expect(events.at(-1)?.event).toBe("chat.final");
  return events.filter((e) => e.event === "approval.request").length;
}

describe("confirmation.remember bounds an 'always' answer", () => {
  test("remember: none (shipped) — 'always' keeps nothing: the same call is asked again, here and in another session", async () => {
    const { url } = await gatewayWith("none");
    expect(await asked(url, "always")).toBe(1);
    expect(await asked(url, "deny")).toBe(1);
    expect(await asked(url, "deny", "other")).toBe(1);
  });

  test("remember: session — 'always' holds in that session only; a plain approve is never kept", async () => {
    const { url } = await gatewayWith("session");
    expect(await asked(url, "always", "s1")).toBe(1);
    expect(await asked(url, "deny", "s1")).toBe(0);
    expect(await asked(url, "deny", "s2")).toBe(1);
    expect(await asked(url, "approve", "s3")).toBe(1);
    expect(await asked(url, "deny", "s3")).toBe(1);
  });

  test("remember: always — 'always' holds in every session", async () => {
    const { url } = await gatewayWith("always");
    expect(await asked(url, "always", "s1")).toBe(1);
    expect(await asked(url, "deny", "s2")).toBe(0);
  });
});

describe("a webhook's unattended turn reports what it could not do", () => {
  test("calls needing confirmation are denied, audited, and listed in the reply without their params", async () => {
    const { sb, url } = boxes.length ? { sb: boxes[0]!.sb, url: boxes[0]!.gw.url } : await gatewayWith("none");
    writeFileSync(join(sb.userHome, "notes.txt"), "my notes\n");
    model.script([
      { toolCalls: [
        { name: "shell_execute", params: GIT },
        { name: "file_write", params: { path: "~/hook.txt", content: "secret-ish payload" } },
        { name: "file_read", params: { path: "~/notes.txt" } },
      ] },
      { text: "hook done" },
    ]);
    const r = await fetch(`${url}/hooks/nightly`, { method: "POST", body: JSON.stringify({ text: "do the nightly chores" }), headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(200);
    const reply = (await r.json()) as any;
    expect(reply).toMatchObject({ ok: true, text: "hook done", failed: [] });
    expect(reply.denied.map((d: any) => [d.tool, d.code])).toEqual([["shell_execute", "confirmation_required"], ["file_write", "confirmation_required"]]);
    for (const d of reply.denied) expect(Object.keys(d).sort()).toEqual(["code", "message", "tool"]);
    expect(JSON.stringify(reply)).not.toContain("secret-ish payload");
    const audit = readFileSync(join(sb.home, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).slice(-3);
    expect(audit.map((a) => [a.tool, a.result === "success"])).toEqual([["shell_execute", false], ["file_write", false], ["file_read", true]]);
  });
});

describe("policy check / explain judge a mail skill's server as the sandbox does", () => {
  test("check: the documented net grant of email_list allows its server; another server is denied, never prompted", async () => {
    const sb = new Sandbox();
    try {
      const policy = sb.file("policy.yaml", `version: 1\nskills:\n  email_list: { allow: { mail: [read], net: ["imap.example.com:993"] } }\n`);
      const ok = await sb.run(["policy", "check", "--skill", "email_list", "--permission", "net", "--value", "imap.example.com:993", "--policy", policy, "--json"]);
      expect(JSON.parse(ok.stdout)).toMatchObject({ decision: "allow", rule: "skills.email_list.allow.net[0]" });
      expect(ok.code).toBe(0);
      const other = await sb.run(["policy", "check", "--skill", "email_list", "--permission", "net", "--value", "imap.other.com:993", "--policy", policy, "--json"]);
      expect(JSON.parse(other.stdout)).toMatchObject({ decision: "deny", rule: "prompt" });
      expect(other.code).toBe(3);
    } finally {
      sb.cleanup();
    }
  });

  test("explain with the shipped policy lists the configured server as denied and says what to add", async () => {
    const sb = new Sandbox();
    try {
      sb.config({ mail: { imap: { host: "127.0.0.1", port: 1143, secure: false, user: "alice", password: "pw" } } });
      const out = await sb.run(["policy", "explain", "email_list"]);
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/mail:\n\s+read\s+prompt/);
      expect(out.stdout).toMatch(/net \(the configured IMAP server, never prompted\):\n\s+127\.0\.0\.1:1143\s+deny\s+special-address/);
      expect(out.stdout).toContain("skills.email_list.allow.net");
      const json = JSON.parse((await sb.run(["policy", "explain", "email_list", "--json"])).stdout);
      expect(json.output.permissions.find((k: any) => k.server === "imap")).toMatchObject({ kind: "net", entries: [{ value: "127.0.0.1:1143", decision: "deny" }] });
    } finally {
      sb.cleanup();
    }
  });
});
