// The in-sandbox half of the bridge: JavaScript evaluated in every fresh QuickJS context before
// any skill code. It captures the intrinsics it needs first, so a skill that later replaces
// JSON.stringify or Array.isArray cannot change how arguments cross to the host. The host
// functions it receives (`call`, `log`) never become globals; only the wrappers below do.
//
// Wire format, both ways: a JSON string plus values beside it (ArrayBuffers, and strings longer
// than 4096 characters, which QuickJS's JSON.stringify would escape at ~9 ms per MB); such a
// value sits in the JSON as {"\u0000b": index}. Plain-object keys equal to that marker are
// refused. The host reads a long string as a C string, checks that it arrived whole (a NUL
// would cut it, a lone surrogate widen it) and, when not, reads it again through JSON.

export const PRELUDE_FILE = "/<moltbot-prelude>.js";

/** Strings longer than this (characters) travel beside the JSON, in both directions. */
export const BESIDE_CHARS = 4096;

export const PRELUDE_SOURCE = String.raw`(function (hostCall, hostCall1, hostLog, fetchSource) {
"use strict";
const G = globalThis;
const stringify = JSON.stringify, parse = JSON.parse, isArray = Array.isArray;
const keys = Object.keys, freeze = Object.freeze, defineProperty = Object.defineProperty;
const isView = ArrayBuffer.isView, U8 = Uint8Array, AB = ArrayBuffer, WM = WeakMap, SafeMap = Map;
const sliceAB = Function.prototype.call.bind(ArrayBuffer.prototype.slice);
const MARK = "\u0000b", BESIDE = ${BESIDE_CHARS};
const TE = TypeError, RE = RangeError, SE = SyntaxError;
const denials = new WM();
const hostCodes = new WM(); // errors the host raised, with its code; a skill cannot forge an entry

class PermissionDenied extends Error {
  constructor(message) { super(message); this.name = "PermissionDenied"; }
}

function copy(v, bufs, depth, where) {
  if (depth > 64) throw new TypeError(where + ": arguments nested too deeply");
  const t = typeof v;
  if (t === "string") {
    // The host checks a long string's length as it reads it (a NUL would cut it short as a C
    // string) and reads one that is off through JSON.
    if (v.length > BESIDE) { bufs.push(v); return { [MARK]: bufs.length - 1 }; }
    return v;
  }
  if (v === null || t === "number" || t === "boolean") return v;
  if (t === "undefined") return null;
  if (t !== "object") throw new TypeError(where + ": cannot pass a " + t + " to the host");
  if (v instanceof AB) { bufs.push(sliceAB(v, 0)); return { [MARK]: bufs.length - 1 }; }
  if (isView(v)) {
    const u = new U8(v.buffer, v.byteOffset, v.byteLength);
    bufs.push(new U8(u).buffer); return { [MARK]: bufs.length - 1 };
  }
  // As JSON does: an object that says how it is written (a Date → its ISO string) is written so.
  if (typeof v.toJSON === "function") return copy(v.toJSON(), bufs, depth + 1, where);
  if (isArray(v)) { const out = []; for (let i = 0; i < v.length; i++) out[i] = copy(v[i], bufs, depth + 1, where); return out; }
  const out = {};
  for (const k of keys(v)) {
    if (k === MARK) throw new TypeError(where + ": invalid key in arguments");
    defineProperty(out, k, { value: copy(v[k], bufs, depth + 1, where), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function revive(v, bufs) {
  if (v === null || typeof v !== "object") return v;
  if (isArray(v)) { for (let i = 0; i < v.length; i++) v[i] = revive(v[i], bufs); return v; }
  if (keys(v).length === 1 && typeof v[MARK] === "number") { const b = bufs[v[MARK]]; return typeof b === "string" ? b : new U8(b); }
  for (const k of keys(v)) v[k] = revive(v[k], bufs);
  return v;
}

function unpack(r) {
  if (!isArray(r)) return r;
  const bufs = []; for (let i = 1; i < r.length; i++) bufs.push(r[i]);
  return revive(parse(r[0]), bufs);
}

function toError(e) {
  if (isArray(e)) e = unpack(e);
  if (e === null || typeof e !== "object" || e.__moltHost !== 1) return e;
  if (e.denial >= 0) { const err = new PermissionDenied(e.message); denials.set(err, e.denial); return err; }
  // The web's own error classes keep their class (a bad base64 character is a SyntaxError).
  const err = e.name === "TypeError" ? new TE(e.message) : e.name === "RangeError" ? new RE(e.message) : e.name === "SyntaxError" ? new SE(e.message) : new Error(e.message);
  if (typeof e.code === "string") { hostCodes.set(err, e.code); err.code = e.code; }
  return err;
}

function invoke(name, args) {
  // The common case, no JSON (a string holding NUL would be cut short as a C string).
  if (args.length === 1 && typeof args[0] === "string" && args[0].indexOf("\u0000") === -1) return hostCall1(name, args[0]);
  const bufs = [];
  const json = stringify(copy(args, bufs, 0, name));
  return hostCall(name, json, ...bufs);
}
function sync(name) {
  return function (...args) {
    let r;
    try { r = invoke(name, args); } catch (e) { throw toError(e); }
    return unpack(r);
  };
}
function async(name) {
  return async function (...args) {
    let r;
    try { r = await invoke(name, args); } catch (e) { throw toError(e); }
    return unpack(r);
  };
}

function show(x) {
  if (typeof x === "string") return x;
  if (x instanceof Error) return String(x.name) + ": " + String(x.message);
  try { const s = stringify(x); if (s !== undefined) return s; } catch {}
  try { return String(x); } catch { return "[unprintable]"; }
}
function logger(level) {
  return function (...args) {
    let line = "";
    for (let i = 0; i < args.length && line.length < 8192; i++) line += (i ? " " : "") + show(args[i]);
    hostLog(level, line.length > 8192 ? line.slice(0, 8192) + "…" : line);
  };
}

// fetch and its Response are compiled on first use: most skills never fetch, and compiling
// them in every fresh context would double the cost of a call.
const makeFunction = Function;
let fetchImpl;
function prepareFetch() {
  if (!fetchImpl) fetchImpl = makeFunction("async", "sync", "stringify", "parse", "isArray", "keys", "freeze", "AB", "isView", "Map", fetchSource)(async, sync, stringify, parse, isArray, keys, freeze, AB, isView, SafeMap);
}
function fetch(url, init) {
  prepareFetch();
  return fetchImpl(url, init);
}

// env.get sits in loops: a string name goes straight to the host and a string (or undefined)
// comes straight back, with none of the generic wrapper's copying.
const envGetAny = sync("env.get");
function envGet(name) {
  if (typeof name !== "string" || arguments.length !== 1 || name.indexOf("\u0000") !== -1) return envGetAny(...arguments);
  try { return hostCall1("env.get", name); } catch (e) { throw toError(e); }
}

// TextDecoder (WHATWG subset: label, fatal, decode): the host decodes, so any charset Bun
// knows works (web pages in windows-1252, shift_jis, …). Pure; needs no permission.
const decodeBytes = sync("core.decodeUtf8");
const encodingOf = sync("core.encodingOf");
class TextDecoder {
  constructor(label, options) {
    const given = label === undefined ? "utf-8" : String(label).trim().toLowerCase();
    // The web's name for the encoding; an unknown label fails here. UTF-8's need no asking.
    this.encoding = given === "utf-8" || given === "utf8" ? "utf-8" : encodingOf(given);
    this.fatal = !!(options && options.fatal);
  }
  decode(input) {
    if (input === undefined) return "";
    const b = input instanceof AB ? new U8(input) : isView(input) ? new U8(input.buffer, input.byteOffset, input.byteLength) : null;
    if (b === null) throw new TypeError("TextDecoder.decode expects an ArrayBuffer or a typed array");
    return decodeBytes(b, this.encoding, this.fatal);
  }
}

// html.toMarkdown(source, { baseUrl, text }) → { title, markdown }: the host converts (QuickJS
// would interpret a converter at ~300 ns per byte of page). Pure; needs no permission.
const htmlToMarkdown = sync("core.htmlToMarkdown");
function toMarkdown(source, options) {
  // Bytes are decoded on the host on the way (as TextDecoder with options.charset, fatal): the
  // page need not enter the sandbox as text first.
  const page = typeof source === "string" ? source : source instanceof AB ? new U8(source)
    : isView(source) ? new U8(source.buffer, source.byteOffset, source.byteLength) : null;
  if (page === null) throw new TypeError("html.toMarkdown: the source must be a string or bytes");
  let baseUrl = null, text = false, charset = null, fatal = false;
  if (options !== undefined && options !== null) {
    if (typeof options !== "object") throw new TypeError("html.toMarkdown: options must be an object");
    const b = options.baseUrl, t = options.text, c = options.charset, f = options.fatal;
    if (b !== undefined && b !== null && typeof b !== "string") throw new TypeError("html.toMarkdown: options.baseUrl must be a string");
    if (t !== undefined && t !== null && typeof t !== "boolean") throw new TypeError("html.toMarkdown: options.text must be a boolean");
    if (c !== undefined && c !== null && typeof c !== "string") throw new TypeError("html.toMarkdown: options.charset must be a string");
    if (f !== undefined && f !== null && typeof f !== "boolean") throw new TypeError("html.toMarkdown: options.fatal must be a boolean");
    if (typeof b === "string") baseUrl = b;
    if (typeof c === "string") charset = c;
    text = t === true;
    fatal = f === true;
  }
  return htmlToMarkdown(page, baseUrl, text, charset, fatal);
}

// Uint8Array ↔ base64 and hex: the ES2026 methods, which QuickJS predates. The host converts
// (a loop here took ~80 ms for a 500 KB image), with the web's errors.
const toBase64Host = sync("core.toBase64"), fromBase64Host = sync("core.fromBase64");
const toHexHost = sync("core.toHex"), fromHexHost = sync("core.fromHex");
function ownBytes(v, what) {
  if (!(v instanceof U8)) throw new TypeError(what + " requires a Uint8Array");
  return v;
}
function textOf(v, what) {
  if (typeof v !== "string") throw new TypeError(what + " expects a string");
  return v;
}
function method(target, name, fn) {
  defineProperty(target, name, { value: fn, writable: true, configurable: true, enumerable: false });
}
method(U8.prototype, "toBase64", function toBase64(options) {
  return toBase64Host(ownBytes(this, "Uint8Array.prototype.toBase64"), options === undefined ? null : options);
});
method(U8.prototype, "toHex", function toHex() { return toHexHost(ownBytes(this, "Uint8Array.prototype.toHex")); });
method(U8, "fromBase64", function fromBase64(string, options) {
  return fromBase64Host(textOf(string, "Uint8Array.fromBase64"), options === undefined ? null : options);
});
method(U8, "fromHex", function fromHex(string) { return fromHexHost(textOf(string, "Uint8Array.fromHex")); });

const api = {
  fetch,
  TextDecoder,
  html: freeze({ toMarkdown }),
  fs: freeze({ readTextFile: async("fs.readTextFile"), readFile: async("fs.readFile"), readDir: async("fs.readDir"),
    stat: async("fs.stat"), writeTextFile: async("fs.writeTextFile"), writeFile: async("fs.writeFile"),
    appendFile: async("fs.appendFile"), mkdir: async("fs.mkdir"), remove: async("fs.remove") }),
  shell: freeze({ run: async("shell.run") }),
  browser: freeze({ open: async("browser.open"), goto: async("browser.goto"), text: async("browser.text"), click: async("browser.click"),
    fill: async("browser.fill"), screenshot: async("browser.screenshot"), close: async("browser.close") }),
  camera: freeze({ capture: async("camera.capture") }),
  mail: freeze({ list: async("mail.list"), read: async("mail.read"), search: async("mail.search"), send: async("mail.send") }),
  memory: freeze({ search: async("memory.search"), write: async("memory.write") }),
  env: freeze({ get: envGet }),
  console: freeze({ log: logger("log"), info: logger("info"), warn: logger("warn"), error: logger("error"), debug: logger("debug") }),
  PermissionDenied,
};
for (const k of keys(api)) defineProperty(G, k, { value: api[k], writable: true, configurable: true, enumerable: false });

function errorInfo(e) {
  const d = e !== null && typeof e === "object" ? denials.get(e) : undefined;
  let name = "Error", message = "";
  try {
    if (e instanceof Error) { name = String(e.name); message = String(e.message); }
    else if (e !== null && typeof e === "object" && e.__moltHost === 1) { name = "Error"; message = String(e.message); }
    else message = "a non-Error value was thrown: " + show(e);
  } catch { message = "an error was thrown that cannot be described"; }
  const code = e !== null && typeof e === "object" ? hostCodes.get(e) : undefined;
  return stringify({ denial: d === undefined ? -1 : d, name, message: message.slice(0, 2000), code });
}

// Long strings (a file's content, a page's text) leave as they are, beside the JSON: QuickJS's
// JSON.stringify escapes a 1 MB string in ~9 ms (a 9 KB page in ~80 µs), the host copies it out
// in ~1.1 ms. In the JSON such a string is the marker {"\u0000s": index}; a result may not use
// that key itself. The threshold is the arguments' own, and the host reads such strings as it
// reads arguments: as C strings, checked by length, read again exactly when one is off (a scan
// for NUL here took 1.5 ms per MB).
const LONG = BESIDE, SMARK = "\u0000s", hasOwn = Object.hasOwn, TooBig = {};
function serialize(v, limit) {
  const long = [];
  let longChars = 0, s;
  try {
    s = stringify(v === undefined ? null : v, function (k, x) {
      const t = typeof x;
      if (t === "function" || t === "symbol" || t === "bigint")
        throw new TypeError("the result is not JSON-serialisable: " + (k === "" ? "the value" : "property \"" + k + "\"") + " is a " + t);
      if (t === "string" && x.length > LONG) {
        longChars += x.length;
        if (longChars > limit) throw TooBig;
        long.push(x);
        return { [SMARK]: long.length - 1 };
      }
      if (x !== null && t === "object" && !isArray(x) && hasOwn(x, SMARK))
        throw new TypeError("the result is not JSON-serialisable: it uses the reserved key \\u0000s");
      return x;
    });
  } catch (e) {
    if (e === TooBig) return -1;
    if (e instanceof TypeError && !String(e.message).startsWith("the result")) throw new TypeError("the result is not JSON-serialisable: " + e.message);
    throw e;
  }
  if (s === undefined) s = "null";
  if (s.length + longChars > limit) return -1;
  if (long.length === 0) return s;
  const out = [s];
  for (let i = 0; i < long.length; i++) out.push(long[i]);
  return out;
}

async function run(entry, args) {
  const m = await import(entry);
  const main = m.default;
  if (typeof main !== "function") throw new TypeError("the implementation's default export is not a function");
  return main(args[0], args[1]);
}

return { run, serialize, errorInfo, parse, prepareFetch };
})`;

/** Body of the lazily built fetch (see the prelude); parameters are the prelude's captures. */
export const FETCH_SOURCE = String.raw`function headersOf(list) {
  const map = new Map();
  for (const [k, v] of list) { const key = String(k).toLowerCase(); map.set(key, map.has(key) ? map.get(key) + ", " + v : String(v)); }
  return freeze({ get: (n) => { const v = map.get(String(n).toLowerCase()); return v === undefined ? null : v; },
    has: (n) => map.has(String(n).toLowerCase()), entries: () => [...map.entries()] });
}
const netFetch = async("net.fetch");
async function fetch(url, init) {
  init = init || {};
  let headers = [];
  const h = init.headers;
  if (isArray(h)) headers = h.map((p) => [String(p[0]), String(p[1])]);
  else if (h && typeof h === "object") headers = keys(h).map((k) => [k, String(h[k])]);
  let body = init.body === undefined ? null : init.body;
  if (body !== null && typeof body !== "string" && !(body instanceof AB) && !isView(body)) {
    body = stringify(body);
    if (!headers.some((p) => p[0].toLowerCase() === "content-type")) headers.push(["content-type", "application/json"]);
  }
  const r = await netFetch(String(url), { method: init.method === undefined ? "GET" : String(init.method), headers, body, maxBodyBytes: init.maxBodyBytes });
  const bytes = r.body;
  const text = () => new TextDecoderLite().decode(bytes);
  return freeze({ ok: r.status >= 200 && r.status < 300, status: r.status, statusText: r.statusText, url: r.url,
    truncated: r.truncated === true, headers: headersOf(r.headers), text: async () => text(), json: async () => parse(text()),
    arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
}
// QuickJS has no TextDecoder; the host decodes UTF-8 for us.
const decodeUtf8 = sync("core.decodeUtf8");
class TextDecoderLite { decode(b) { return decodeUtf8(b); } }

return fetch;
`;
