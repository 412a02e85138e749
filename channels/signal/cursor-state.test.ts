import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CursorState } from "./cursor-state.ts";

const dir = () => mkdtempSync(join(tmpdir(), "sig-cursor-"));

describe("CursorState", () => {
  test("what was handled before a restart is recognised after it", () => {
    const d = dir();
    const a = new CursorState(d, () => {});
    a.mark("+1:100", 1_000_000, "41");
    const b = new CursorState(d, () => {});
    expect(b.seen("+1:100", 1_000_000)).toBe(true);
    expect(b.lastEventId).toBe("41");
    expect(b.seen("+2:101", 1_000_001)).toBe(false);
    expect(JSON.parse(readFileSync(join(d, "signal-cursor.json"), "utf8")).v).toBe(1);
  });

  test("an unknown id well older than the newest handled is a redelivery; a little older is not", () => {
    const c = new CursorState(dir(), () => {});
    c.mark("+1:5000000", 5_000_000);
    expect(c.seen("+2:1000", 5_000_000 - 10 * 60_000)).toBe(true);
    expect(c.seen("+2:4990000", 5_000_000 - 10_000)).toBe(false);
  });

  test("an unreadable file is reported and replaced, not fatal", () => {
    const d = dir();
    writeFileSync(join(d, "signal-cursor.json"), "{torn");
    const logs: string[] = [];
    const c = new CursorState(d, (m) => logs.push(m));
    expect(logs.length).toBe(1);
    c.mark("+1:1", 1);
    expect(new CursorState(d, () => {}).seen("+1:1", 1)).toBe(true);
  });

  test("only the most recent ids are kept", () => {
    const d = dir();
    const c = new CursorState(d, () => {});
    for (let i = 0; i < 300; i++) c.mark(`+1:${i}`, 10_000_000);
    const again = new CursorState(d, () => {});
    expect(again.seen("+1:299", 10_000_000)).toBe(true);
    expect(again.seen("+1:0", 10_000_000)).toBe(false);
  });
});
