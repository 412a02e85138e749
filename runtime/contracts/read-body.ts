// A response body read whole, but never past a cap: counted as it streams, so a body that
// declares no length (or a false one) cannot fill memory. For bodies from outside: web pages,
// chat media.

/**
 * The body of `res`, or null when it is larger than `maxBytes` — by its Content-Length, or as
 * soon as more than that has arrived; the body is then cancelled. A failed read throws.
 */
export async function readBodyAtMost(res: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (Number(res.headers.get("content-length") ?? 0) > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  if (res.body === null) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
