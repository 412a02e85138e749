import { describe, expect, test } from "bun:test";
import { redact, safeMessage } from "./redact.ts";
import { Backoff } from "./retry.ts";

const TOKEN = "123456:AAHsecretPART_xyz";

describe("redact", () => {
  test("cuts the token and its secret half from messages and their causes", () => {
    const cause = new Error(`request to https://api.telegram.org/bot${TOKEN}/getMe failed`);
    const err = Object.assign(new Error("Network request for 'getMe' failed!"), { error: cause });
    const msg = safeMessage(err, TOKEN);
    expect(msg).toContain("Network request for 'getMe' failed!");
    expect(msg).not.toContain("AAHsecretPART_xyz");
    expect(redact("only AAHsecretPART_xyz here", TOKEN)).toBe("only <token> here");
  });
});

describe("Backoff", () => {
  test("doubles up to the cap and resets", () => {
    const b = new Backoff(100, 400);
    const d = [b.next(), b.next(), b.next(), b.next()];
    expect(d[0]).toBeGreaterThanOrEqual(80);
    expect(d[0]).toBeLessThanOrEqual(120);
    expect(d[3]).toBeGreaterThanOrEqual(320);
    expect(d[3]).toBeLessThanOrEqual(480);
    b.reset();
    expect(b.next()).toBeLessThanOrEqual(120);
  });
});
