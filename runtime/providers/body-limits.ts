// How much of a response body from the (untrusted) model server we hold at once. The SDKs keep
// a partial line whole until its end arrives — and the `ollama` package re-splits its whole
// buffer on every chunk, quadratic in the line — and they read an error body whole. So a stream
// reaches them as whole lines only, none longer than a cap, and an error body is cut at a cap.

/** Longest line of a streamed answer. A real SSE or NDJSON line holds one small delta; the
 * longest is an Ollama line carrying a whole tool call, whose arguments are capped at 1 MiB
 * (tool-args.ts) — twice that leaves room for JSON escaping. */
export const MAX_LINE_BYTES = 2 * 1024 * 1024;

/** An error body is one message; 64 KiB keeps any real one (we show 200 characters of it). */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Passes on the bytes cut after the last line end (\n or \r — SSE allows either) of what has
 * arrived, keeping the partial line back until it ends, so a parser never re-scans a partial
 * line; linear in the body. A line longer than `maxBytes` errors the stream with `tooLong()`.
 */
export function wholeLines(maxBytes: number, hooks: { onChunk(): void; tooLong(): Error }): TransformStream<Uint8Array, Uint8Array> {
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  return new TransformStream({
    transform(chunk, controller) {
      hooks.onChunk();
      let line = heldBytes; // bytes of the line in progress, before `from`
      let from = 0;
      let lastEnd = -1;
      let lf = chunk.indexOf(LF);
      let cr = chunk.indexOf(CR);
      while (lf >= 0 || cr >= 0) {
        const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
        if (line + end - from > maxBytes) return controller.error(hooks.tooLong());
        line = 0;
        from = end + 1;
        lastEnd = end;
        if (end === lf) lf = chunk.indexOf(LF, from);
        else cr = chunk.indexOf(CR, from);
      }
      if (line + chunk.length - from > maxBytes) return controller.error(hooks.tooLong());
      if (lastEnd < 0) {
        held.push(chunk);
        heldBytes += chunk.length;
        return;
      }
      controller.enqueue(concat([...held, chunk.subarray(0, lastEnd + 1)]));
      held = from < chunk.length ? [chunk.subarray(from)] : [];
      heldBytes = chunk.length - from;
    },
    flush(controller) {
      if (heldBytes > 0) controller.enqueue(concat(held));
    },
  });
}

/** At most `maxBytes` of `body`, then the rest is cancelled (closing the connection). A body
 * that breaks or is aborted midway gives what had arrived. */
export async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < maxBytes) {
      const { done, value } = await reader.read();
      if (done) return concat(parts);
      parts.push(value);
      total += value.length;
    }
  } catch { /* aborted (idle timeout) or broken: keep what came */ }
  reader.cancel().catch(() => {});
  return concat(parts).subarray(0, maxBytes);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
