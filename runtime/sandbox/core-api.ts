// The standard library's pure host helpers, `core.*` (no permission, no I/O): what the
// prelude's TextDecoder, html.toMarkdown and Uint8Array base64/hex methods call, because
// QuickJS lacks them or would interpret them hundreds of times slower.
import { htmlToMarkdown, MAX_INPUT_CHARS, MAX_OUTPUT_CHARS } from "./host/html-markdown.ts";
import type { HostFn } from "./host/types.ts";

/** Functions implemented by core itself (pure helpers the prelude needs; no permission). */
export const CORE_API: Record<string, HostFn> = {
  // Bytes → text in any WHATWG encoding the host knows (windows-1252, shift_jis, …): QuickJS
  // has no TextDecoder of its own. `label` absent = UTF-8; an unknown label is an error.
  decodeUtf8: (_ctx, [bytes, label, fatal]) => {
    if (!(bytes instanceof Uint8Array)) throw new TypeError("expected bytes");
    return decode(bytes, label, fatal === true);
  },
  // TextDecoder's constructor: a label → the encoding's WHATWG name ("latin1" → "windows-1252");
  // an unknown label is an error, as on the web.
  encodingOf: (_ctx, [label]) => {
    if (typeof label !== "string") throw new TypeError("the encoding label must be a string");
    return new TextDecoder(label as ConstructorParameters<typeof TextDecoder>[0]).encoding;
  },
  // Uint8Array ↔ base64 and hex, the ES2026 methods QuickJS predates: Bun's own converters and
  // their errors (an unknown alphabet, a character that is not base64 or hex).
  toBase64: (_ctx, [bytes, options]) => bytesArg(bytes).toBase64((options ?? undefined) as Base64Options),
  fromBase64: (_ctx, [text, options]) => (Uint8Array as unknown as Base64Statics).fromBase64(textArg(text), (options ?? undefined) as Base64Options),
  toHex: (_ctx, [bytes]) => bytesArg(bytes).toHex(),
  fromHex: (_ctx, [text]) => (Uint8Array as unknown as Base64Statics).fromHex(textArg(text)),
  // html.toMarkdown: a page → { title, markdown }. Linear in the page, input and output capped;
  // the output cap is also the call's memory limit, since the result must fit in QuickJS. A
  // page given as bytes is decoded here, as TextDecoder would with `charset` and `fatal`.
  htmlToMarkdown: (ctx, [page, baseUrl, text, charset, fatal]) => {
    // Past 4 bytes a character (the most any encoding spends on one UTF-16 unit: gb18030), the
    // text is sure to be over the input cap: refused before decoding it.
    if (page instanceof Uint8Array && page.length > 4 * MAX_INPUT_CHARS) {
      throw new RangeError(`html.toMarkdown: the page has ${page.length} bytes, more than the ${MAX_INPUT_CHARS} characters converted`);
    }
    const source = page instanceof Uint8Array ? decode(page, charset, fatal === true) : page;
    if (typeof source !== "string") throw new TypeError("html.toMarkdown: the source must be a string or bytes");
    if (baseUrl !== null && baseUrl !== undefined && typeof baseUrl !== "string") throw new TypeError("html.toMarkdown: options.baseUrl must be a string");
    const maxOutputChars = Math.min(MAX_OUTPUT_CHARS, ctx.limits.memoryBytes);
    return htmlToMarkdown(source, { baseUrl: baseUrl ?? undefined, text: text === true, maxOutputChars });
  },
};

type Base64Options = { alphabet?: "base64" | "base64url"; omitPadding?: boolean; lastChunkHandling?: "loose" | "strict" | "stop-before-partial" };
type Base64Bytes = Uint8Array & { toBase64(o?: Base64Options): string; toHex(): string };
type Base64Statics = { fromBase64(s: string, o?: Base64Options): Uint8Array; fromHex(s: string): Uint8Array };

function bytesArg(v: unknown): Base64Bytes {
  if (!(v instanceof Uint8Array)) throw new TypeError("expected a Uint8Array");
  return v as Base64Bytes;
}

function textArg(v: unknown): string {
  if (typeof v !== "string") throw new TypeError("expected a string");
  return v;
}

/** Bytes → text in encoding `label` (UTF-8 when absent), as the web's TextDecoder. */
function decode(bytes: Uint8Array, label: unknown, fatal: boolean): string {
  if (label !== undefined && label !== null && typeof label !== "string") throw new TypeError("the encoding label must be a string");
  // Bun checks the label at run time (RangeError for an unknown one); its types list only a few.
  return new TextDecoder((label ?? "utf-8") as ConstructorParameters<typeof TextDecoder>[0], { fatal }).decode(bytes);
}
