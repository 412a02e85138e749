// Server-Sent Events as the WHATWG spec defines them, read from a fetch body: `id:`, `event:`,
// `data:` (joined by "\n"), comment lines (`:` — signal-cli's 15 s keep-alive) and a blank line
// ending each event. Any line ending (\n, \r\n, \r) is accepted; a torn final event is dropped.

export interface SseEvent {
  /** The last `id:` seen on the stream so far (the spec's "last event ID"), if any. */
  id?: string;
  event: string;
  data: string;
}

/**
 * Yields the events of one SSE response body. `onActivity` is called for every chunk,
 * keep-alives included, so the caller can notice a silent, half-dead connection.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, onActivity: () => void = () => {}): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buf = "";
  let lastId: string | undefined;
  let event = "";
  let data: string[] = [];
  let hasData = false;
  for await (const chunk of body) {
    onActivity();
    buf += decoder.decode(chunk, { stream: true });
    let nl: RegExpExecArray | null;
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    while ((nl = lineEnd.exec(buf))) {
      // A lone "\r" at the very end may be the first half of "\r\n": wait for more.
      if (nl[0] === "\r" && nl.index === buf.length - 1) break;
      const line = buf.slice(start, nl.index);
      start = nl.index + nl[0].length;
      if (line === "") {
        if (hasData) yield lastId === undefined ? { event: event || "message", data: data.join("\n") } : { id: lastId, event: event || "message", data: data.join("\n") };
        event = "";
        data = [];
        hasData = false;
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") { data.push(value); hasData = true; }
      else if (field === "event") event = value;
      else if (field === "id" && !value.includes("\0")) lastId = value;
    }
    buf = buf.slice(start);
  }
}
