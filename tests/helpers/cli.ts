// Runs the real `moltbot` command in a child process with its own throwaway home directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const CLI = join(ROOT, "runtime/cli/main.ts");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  url: string;
  /** What the gateway printed up to its "listening" line. */
  output: string;
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number>;
}

export class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), "moltbot-test-"));
  readonly home = join(this.dir, "moltbot");
  readonly userHome = join(this.dir, "user");

  constructor() {
    mkdirSync(this.userHome, { recursive: true });
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: this.userHome, MOLTBOT_HOME: this.home, ...extra };
  }

  async run(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
    const proc = Bun.spawn(["bun", CLI, ...args], { env: this.env(extra), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  }

  /** Starts `moltbot gateway` with this sandbox's home; resolves with its URL once it listens. */
  async gateway(args: string[] = ["--port", "0"]): Promise<RunningCli> {
    const proc = Bun.spawn(["bun", CLI, "gateway", ...args], { env: this.env(), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const reader = proc.stdout.getReader();
    let text = "";
    while (!/listening on (\S+)/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`moltbot gateway exited: ${await new Response(proc.stderr).text()}`);
      text += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    return {
      url: /listening on (\S+)/.exec(text)![1]!,
      output: text,
      proc,
      stop: async () => {
        proc.kill("SIGTERM");
        return proc.exited;
      },
    };
  }

  /** Writes a skill folder: skill.json plus files; returns its path. */
  skill(name: string, manifest: Record<string, unknown>, files: Record<string, string>): string {
    const dir = join(this.dir, "skills", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "skill.json"), JSON.stringify({ name, version: "1.0.0", description: `test skill ${name}`, implementation: "main.js", parameters: {}, permissions: [], ...manifest }));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return dir;
  }

  /** Writes the home's config.yaml (JSON is valid YAML). */
  config(data: Record<string, unknown>): void {
    mkdirSync(this.home, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.home, "config.yaml"), JSON.stringify(data, null, 2));
  }

  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
