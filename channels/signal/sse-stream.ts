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
  const state: Pending = { lastId: undefined, event: "", data: [], hasData: false };
  let buf = "";
  for await (const chunk of body) {
    onActivity();
    const text = decoder.decode(chunk, { stream: true });
    buf += text;
    // No line ends in it: nothing to split, and scanning the whole line again for every chunk
    // of a long one took its length squared (8 MB in 1 KiB chunks: 4 s).
    if (!hasLineEnd(text)) continue;
    const { lines, rest } = splitLines(buf, false);
    buf = rest;
    for (const line of lines) {
      const ev = feed(state, line);
      if (ev) yield ev;
    }
  }
  // A stream ending in a lone "\r" ended its last line with it.
  for (const line of splitLines(buf, true).lines) {
    const ev = feed(state, line);
    if (ev) yield ev;
  }
}

function hasLineEnd(s: string): boolean {
  return s.includes("\n") || s.includes("\r");
}

interface Pending { lastId: string | undefined; event: string; data: string[]; hasData: boolean }

function splitLines(buf: string, atEnd: boolean): { lines: string[]; rest: string } {
  const lines: string[] = [];
  const lineEnd = /\r\n|\r|\n/g;
  let start = 0;
  let m: RegExpExecArray | null;
  while ((m = lineEnd.exec(buf))) {
    // A "\r" last in the buffer may be the first half of "\r\n": wait for more, unless done.
    if (m[0] === "\r" && m.index === buf.length - 1 && !atEnd) break;
    lines.push(buf.slice(start, m.index));
    start = m.index + m[0].length;
  }
  return { lines, rest: buf.slice(start) };
}

/** One line into the pending event; returns the event a blank line completes. */
function feed(p: Pending, line: string): SseEvent | null {
  if (line === "") {
    const ev: SseEvent | null = p.hasData ? { ...(p.lastId === undefined ? {} : { id: p.lastId }), event: p.event || "message", data: p.data.join("\n") } : null;
    p.event = "";
    p.data = [];
    p.hasData = false;
    return ev;
  }
  if (line.startsWith(":")) return null;
  const colon = line.indexOf(":");
  const field = colon === -1 ? line : line.slice(0, colon);
  let value = colon === -1 ? "" : line.slice(colon + 1);
  if (value.startsWith(" ")) value = value.slice(1);
  if (field === "data") { p.data.push(value); p.hasData = true; }
  else if (field === "event") p.event = value;
  else if (field === "id" && !value.includes("\0")) p.lastId = value;
  return null;
}
