import { describe, expect, test } from "bun:test";
import { renderQr } from "./qr-terminal.ts";

/** Back from half blocks to modules (true = dark): "█" light/light, "▀" light top, "▄" light bottom. */
function modules(text: string): boolean[][] {
  const rows: boolean[][] = [];
  for (const line of text.split("\n")) {
    const chars = [...line];
    rows.push(chars.map((c) => c === "▄" || c === " "));
    rows.push(chars.map((c) => c === "▀" || c === " "));
  }
  return rows;
}

const FINDER = ["1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111"];

function finderAt(m: boolean[][], r0: number, c0: number): boolean {
  return FINDER.every((row, r) => [...row].every((bit, c) => m[r0 + r]?.[c0 + c] === (bit === "1")));
}

describe("terminal QR code", () => {
  test("draws a square QR symbol with the three finder patterns inside a light border", () => {
    const qr = "2@AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/=,Zm9vYmFyYmF6cXV4cXV1eA==,YmFzZTY0a2V5c2tleXM=,YWR2c2VjcmV0";
    const m = modules(renderQr(qr));
    const width = m[0]!.length;
    const n = width - 4; // 2 light modules each side
    expect((n - 17) % 4).toBe(0); // QR versions are 21, 25, 29, … modules wide
    expect(m.slice(0, 2).every((row) => row.every((d) => !d))).toBe(true);
    expect(finderAt(m, 2, 2)).toBe(true);
    expect(finderAt(m, 2, 2 + n - 7)).toBe(true);
    expect(finderAt(m, 2 + n - 7, 2)).toBe(true);
    expect(finderAt(m, 2 + n - 7, 2 + n - 7)).toBe(false);
  });

  test("longer payloads get a bigger symbol", () => {
    const small = renderQr("2@short").split("\n")[0]!.length;
    const big = renderQr(`2@${"x".repeat(200)}`).split("\n")[0]!.length;
    expect(big).toBeGreaterThan(small);
  });
});
