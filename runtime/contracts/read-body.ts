// A response body read, but never past a cap: counted as it streams, so a body that declares no
// length (or a false one) cannot fill memory. For bodies from outside: web pages, chat media.

/**
 * The body of `res`, or null when it is larger than `maxBytes` — by its Content-Length, or as
 * soon as more than that has arrived; the body is then cancelled. A failed read throws.
 */
export async function readBodyAtMost(res: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (Number(res.headers.get("content-length") ?? 0) > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  const { body, cut } = await readBodyHead(res, maxBytes);
  return cut ? null : body;
}

/**
 * The first `maxBytes` bytes of the body of `res`, and whether there was more (the rest is
 * then cancelled, not read). A failed read throws.
 */
export async function readBodyHead(res: Response, maxBytes: number): Promise<{ body: Uint8Array; cut: boolean }> {
  if (res.body === null) return { body: new Uint8Array(0), cut: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let cut = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - total));
      total = maxBytes;
      cut = true;
      await reader.cancel().catch(() => {});
      break;
    }
    total += value.byteLength;
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return { body: out, cut };
}
