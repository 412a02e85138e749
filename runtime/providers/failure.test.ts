import { expect, test } from "bun:test";
import { redact, shownUrl } from "./failure.ts";

test("the configured key is removed, wherever it appears", () => {
  expect(redact("bad key abc123XYZ (abc123XYZ)", "abc123XYZ")).toBe("bad key [redacted] ([redacted])");
});

test("things that look like keys are removed even when not the configured one", () => {
  expect(redact("Incorrect API key provided: sk-proj-abcdefgh1234")).toBe("Incorrect API key provided: [redacted]");
  expect(redact("header was Bearer eyJhbGciOi.x.y")).toBe("header was Bearer [redacted]");
});

test("server text becomes one short line", () => {
  expect(redact("line one\n  line two")).toBe("line one line two");
  expect(redact("x".repeat(500))).toHaveLength(200);
});

test("credentials in a base URL are not shown", () => {
  expect(shownUrl("https://user:pass@llm.example.com/v1/")).toBe("https://llm.example.com/v1");
  expect(shownUrl("http://localhost:11434")).toBe("http://localhost:11434");
});
