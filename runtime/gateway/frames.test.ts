import { describe, expect, test } from "bun:test";
import { isMethod, parseFrame, parseParams } from "./frames.ts";
import { MAX_JSON_DEPTH } from "../contracts/json-depth.ts";

describe("frames", () => {
  test("a request frame parses; unknown keys, wrong types and binary are errors naming the field", () => {
    expect(parseFrame('{"type":"req","id":1,"method":"status"}')).toEqual({ ok: true, frame: { type: "req", id: 1, method: "status" } });
    const extra = parseFrame('{"type":"req","id":"a","method":"status","admin":true}');
    expect(extra).toMatchObject({ ok: false, id: "a", error: { code: "invalid_input" } });
    expect(parseFrame('{"type":"req","id":{},"method":"status"}')).toMatchObject({ ok: false, id: null, error: { message: expect.stringContaining("frame.id") } });
    expect(parseFrame(Buffer.from("{}"))).toMatchObject({ ok: false, error: { message: "frames are JSON text, not binary" } });
    expect(parseFrame("nope")).toMatchObject({ ok: false, error: { message: "frame is not valid JSON" } });
  });

  test("params are strict per method and errors never echo values", () => {
    expect(parseParams("chat.send", { text: "hi" })).toEqual({ ok: true, params: { text: "hi" } });
    const bad = parseParams("chat.send", { text: "x".repeat(100_001) });
    expect(bad).toMatchObject({ ok: false, error: { code: "invalid_params", message: expect.stringContaining("chat.send params.text") } });
    expect(JSON.stringify(bad).includes("xxxxxxxxxx")).toBe(false);
    // What people type is answered in plain words, the path after them.
    expect(bad).toMatchObject({ error: { message: "the message is too long: at most 100000 characters (chat.send params.text)" } });
    expect(parseParams("chat.send", { text: " \n\t " })).toMatchObject({ ok: false, error: { code: "invalid_params", message: expect.stringMatching(/^the message is blank/) } });
    expect(parseParams("chat.send", { text: 5 })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^chat.send params.text: /) } });
    expect(parseParams("connect", { role: "client", name: "a b" })).toMatchObject({ ok: false, error: { message: expect.stringContaining("params.name") } });
    expect(parseParams("chat.send", { text: "x", session: "../etc" }).ok).toBe(false);
  });

  test("a frame nested deeper than MAX_JSON_DEPTH is refused; a node's such answer fails its call", () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    const ok = parseFrame(`{"type":"req","id":7,"method":"node.invoke","params":{"node":"n","tool":"t","params":${deep(MAX_JSON_DEPTH - 2)}}}`);
    expect(ok.ok).toBe(true);
    expect(parseFrame(`{"type":"req","id":7,"method":"node.invoke","params":{"node":"n","tool":"t","params":${deep(20_000)}}}`)).toEqual({
      ok: false, id: 7, error: { code: "invalid_input", message: `frame nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep` },
    });
    expect(parseFrame(`{"type":"res","id":"c1","ok":true,"result":${deep(20_000)}}`)).toMatchObject({
      ok: true, frame: { type: "res", id: "c1", ok: false, error: { code: "output_limit", message: expect.stringContaining("the node's result") } },
    });
  });

  test("only declared methods exist, not prototype names", () => {
    expect(isMethod("chat.send")).toBe(true);
    for (const m of ["__proto__", "constructor", "toString", "hasOwnProperty"]) expect(isMethod(m)).toBe(false);
  });
});
