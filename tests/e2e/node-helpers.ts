// Shared by the node end-to-end tests: `moltbot gateway` and `moltbot node` as real processes,
// each with its own throwaway home, and a reader that waits for a line of their output.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
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

/** The gateway would run both test tools without asking; it has neither skill itself. */
export const GATEWAY_POLICY = "version: 1\ntrust:\n  allowedWithoutConfirmation: [where_am_i, touch_file]\n  default: confirm\n";

/** The node's own policy: both tools run unasked, NODE_PLACE is readable, `secret` is never writable. */
export function nodePolicy(box: Sandbox, secret: string): string {
  return `version: 1
prompt: false
trust:
  allowedWithoutConfirmation: [where_am_i, touch_file]
  default: confirm
deny:
  write: ["${secret}"]
skills:
  where_am_i: { allow: { env: [NODE_PLACE] } }
  touch_file: { allow: { write: ["${box.dir}"] } }
`;
}

/**
 * Installs the node-only skills in the node's home: where_am_i reads NODE_PLACE (set only in the
 * node's environment), touch_file writes a file (in the node's temp dir).
 */
export function installNodeSkills(box: Sandbox): void {
  const install = (name: string, manifest: Record<string, unknown>, source: string) => {
    const dir = join(box.home, "skills", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "skill.json"), JSON.stringify({ name, version: "1.2.3", description: `node test skill ${name}`, implementation: "main.js", parameters: {}, ...manifest }));
    writeFileSync(join(dir, "main.js"), source);
  };
  install("where_am_i", { permissions: { env: ["NODE_PLACE"] } }, "export default async () => ({ place: env.get('NODE_PLACE') });");
  install("touch_file", { permissions: { write: [box.dir] }, parameters: { path: { type: "string", required: true } } },
    "export default async ({ path }) => { await fs.writeTextFile(path, 'written on the node'); return { wrote: path }; };");
}

export const auditOf = (box: Sandbox): any[] => readFileSync(join(box.home, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
