// How every command speaks: results on stdout, errors as one line (plus a hint) on stderr, or a
// JSON envelope with --json; the exit code from DESIGN §11. Output is flushed before exiting,
// because process.exit right after a large write can cut a pipe reader off mid-answer.
import { exitCodeFor, toMoltError, type MoltError } from "../contracts/errors.ts";

export async function writeOut(text: string): Promise<void> {
  await writeTo(process.stdout, text);
}

export async function writeErr(text: string): Promise<void> {
  await writeTo(process.stderr, text);
}

function writeTo(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(text)) return resolve();
    // A stream that failed never drains (see exitWhenReaderGoes).
    const done = () => {
      stream.off("drain", done);
      stream.off("error", done);
      resolve();
    };
    stream.once("drain", done);
    stream.once("error", done);
  });
}

/**
 * `moltbot … | head`: once the reader of stdout or stderr has gone (EPIPE), nothing more can be
 * said, so the command stops at once, with exit 0 as the reader chose to stop. Without a
 * listener the failed write was printed as a raw error and the process spun at full CPU.
 */
export function exitWhenReaderGoes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => process.exit(e.code === "EPIPE" ? 0 : 1));
  }
}

/** Waits until everything written to stdout/stderr has left the process, then exits. */
export async function exitAfterFlush(code: number): Promise<never> {
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0) return resolve();
    stream.write("", () => resolve());
  });
}

export function formatError(err: MoltError): string {
  let text = `error: ${err.message}\n`;
  if (err.hint) text += `hint: ${err.hint}\n`;
  return text;
}

/** Reports a failure the way the user asked for (JSON or human) and returns its exit code. */
export async function reportError(err: unknown, json: boolean): Promise<number> {
  const e = toMoltError(err);
  if (json) {
    const error: Record<string, unknown> = { code: e.code, message: e.message };
    if (e.hint) error.hint = e.hint;
    await writeOut(JSON.stringify({ ok: false, error }) + "\n");
  } else {
    await writeErr(formatError(e));
  }
  return exitCodeFor(e.code);
}
