// Shared by the node end-to-end tests: `moltbot gateway` and `moltbot node` as real processes,
// each with its own throwaway home, and a reader that waits for a line of their output.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, Sandbox } from "../helpers/cli.ts";

export const TOKEN = "node-e2e-token-5f2a";

/** Collects a process stream and lets a test wait for a pattern in it. */
export class Lines {
  text = "";
  private waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];

  constructor(stream: ReadableStream<Uint8Array>) {
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) {
        this.text += decoder.decode(chunk);
        for (const w of [...this.waiters]) {
          const m = w.re.exec(this.text);
          if (m) (this.waiters.splice(this.waiters.indexOf(w), 1), w.resolve(m));
        }
      }
    })();
  }

  /** The first match of `re` from `from` on (an offset into all text so far). */
  waitFor(re: RegExp, from = 0): Promise<RegExpExecArray> {
    const scoped = new RegExp(`^[\\s\\S]{${from}}[\\s\\S]*?(${re.source})`);
    return new Promise((resolve) => {
      const hit = scoped.exec(this.text);
      if (hit) return resolve(hit);
      this.waiters.push({ re: scoped, resolve });
    });
  }
}

export interface Proc {
  proc: ReturnType<typeof Bun.spawn>;
  out: Lines;
  err: Lines;
}

export function spawnCli(sb: Sandbox, args: string[], env: Record<string, string> = {}): Proc {
  const proc = Bun.spawn(["bun", CLI, ...args], { env: sb.env(env), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  return { proc, out: new Lines(proc.stdout as ReadableStream<Uint8Array>), err: new Lines(proc.stderr as ReadableStream<Uint8Array>) };
}

/** `moltbot gateway` with Ollama at `modelUrl`, a token, and `policy` as its home's policy.yaml. */
export async function startGatewayProc(sb: Sandbox, modelUrl: string, policy: string, port = 0): Promise<Proc & { url: string }> {
  mkdirSync(sb.home, { recursive: true, mode: 0o700 });
  writeFileSync(join(sb.home, "config.yaml"), `ollama: { model: llama3.2, base_url: "${modelUrl}" }\ngateway: { host: 127.0.0.1, port: ${port}, token: "${TOKEN}" }\n`);
  writeFileSync(join(sb.home, "policy.yaml"), policy);
  const p = spawnCli(sb, ["gateway"]);
  const m = await p.out.waitFor(/listening on (\S+)/);
  return { ...p, url: m[2]! };
}
