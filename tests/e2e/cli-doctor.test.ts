// `moltbot doctor` against a fresh home: what works, what does not, and never a secret.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeOllama } from "../fakes/model-servers/index.ts";
import { Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());

describe("moltbot doctor", () => {
  test("everything in place: exit 0, one line per check", async () => {
    const model = await startFakeOllama();
    try {
      sb.config({ ollama: { model: "llama3.2", base_url: model.url }, anthropic: { api_key: "sk-ant-secret-value" }, fallback: ["anthropic"] });
      const r = await sb.run(["doctor"]);
      expect(r.stdout).toMatch(/^ok {3}home /m);
      expect(r.stdout).toMatch(/^ok {3}model .*ollama \(primary\)/m);
      expect(r.stdout).toMatch(/^ok {3}skills {5}\d+ loaded/m);
      expect(r.stdout).not.toContain("sk-ant-secret-value");
      expect(r.code).toBe(0);
    } finally {
      await model.stop();
    }
  });

  test("an unreachable model says how to start it, exit 1", async () => {
    sb.config({ ollama: { model: "llama3.2", base_url: "http://127.0.0.1:9" } });
    const r = await sb.run(["doctor", "--json"]);
    expect(r.code).toBe(1);
    const model = JSON.parse(r.stdout).output.find((c: { name: string }) => c.name === "model");
    expect(model.ok).toBe(false);
    expect(model.detail).toContain("cannot reach Ollama at http://127.0.0.1:9");
  });

  test("a broken config is named with its line, and a tampered audit log is caught", async () => {
    writeFileSync(join(sb.home, "config.yaml"), "gateway:\n  port: high\n");
    writeFileSync(join(sb.home, "audit.jsonl"), '{"v":1,"seq":1}\n');
    const r = await sb.run(["doctor"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL config .*config\.yaml:2: gateway\.port/m);
    expect(r.stdout).toMatch(/^FAIL audit /m);
  });
});
