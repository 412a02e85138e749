// An SMTP sink for tests: Debian's python3-aiosmtpd on 127.0.0.1, storing every message it
// accepts in a Maildir (its Mailbox handler adds X-MailFrom / X-RcptTo with the envelope).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PYTHON, freePort, startProcess, listening } from "./process.ts";

export interface SmtpSink {
  port: number;
  /** The raw messages received so far, oldest first. */
  messages(): string[];
  stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const dir = mkdtempSync(join(tmpdir(), "moltbot-smtp-"));
  const box = join(dir, "Maildir");
  const port = await freePort();
  const proc = startProcess(PYTHON, ["-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${port}`, "-c", "aiosmtpd.handlers.Mailbox", box]);
  await listening(port, proc, dir);
  return {
    port,
    messages() {
      const d = join(box, "new");
      if (!existsSync(d)) return [];
      return readdirSync(d).sort().map((f) => readFileSync(join(d, f), "utf8"));
    },
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
